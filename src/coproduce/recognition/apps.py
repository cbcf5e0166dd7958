from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "coproduce.recognition"
    label = "recognition"
    verbose_name = "Recognition and payment"

    def ready(self) -> None:
        from coproduce.core import happenings
        from coproduce.partnerships.work_links import register_work_link

        from . import links, subscribers

        happenings.attendance_recorded.subscribe(subscribers.draft_claim_for_attendance)
        happenings.attendance_undone.subscribe(subscribers.withdraw_draft_claim_for_attendance)
        happenings.participant_joined.subscribe(subscribers.draft_claim_for_live_participation)
        register_work_link(links.payments_link)
