"""The engine's one input-error base: bad input to any engine estimator or reader raises a subclass.

Callers outside the engine catch :class:`EngineInputError` (or one subclass) and nothing broader, so
a bug in the engine is never mistaken for bad data.
"""


class EngineInputError(ValueError):
    """The input cannot be analysed; the message says what is wrong and where, in plain words."""
