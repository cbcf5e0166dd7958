from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "coproduce.recognition"
    label = "recognition"
    verbose_name = "Recognition and payment"

    def ready(self) -> None:
        from coproduce.core import happenings

        from . import subscribers

        happenings.attendance_recorded.subscribe(subscribers.draft_claim_for_attendance)
        happenings.attendance_undone.subscribe(subscribers.withdraw_draft_claim_for_attendance)
        happenings.participant_joined.subscribe(subscribers.draft_claim_for_live_participation)
