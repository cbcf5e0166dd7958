from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("", views.my_payments, name="my_payments"),
    path("benefits/", views.benefits, name="benefits"),
    path("my-limit/", views.private_limit, name="private_limit"),
    path("offers/<int:offer_id>/", views.offer, name="offer"),
    path("offers/<int:offer_id>/taken-part/", views.offer_attended, name="offer_attended"),
    path("offers/<int:offer_id>/withdraw/", views.withdraw_offer, name="withdraw_offer"),
    path("claims/<int:claim_id>/", views.claim, name="claim"),
    path("claims/<int:claim_id>/expenses/", views.add_expense, name="add_expense"),
    path(
        "claims/<int:claim_id>/expenses/<int:expense_id>/remove/", views.remove_expense, name="remove_expense"
    ),
    path("claims/<int:claim_id>/expenses/<int:expense_id>/receipt/", views.receipt, name="receipt"),
    path("claims/<int:claim_id>/send/", views.send_claim, name="send_claim"),
    path("claims/<int:claim_id>/approve/", views.approve_claim, name="approve_claim"),
    path("claims/<int:claim_id>/return/", views.return_claim, name="return_claim"),
    path("statements/<int:tax_year>.pdf", views.statement, name="statement"),
    path("project/<int:project_id>/", views.project_payments, name="project_payments"),
    path("project/<int:project_id>/policy/", views.policy, name="policy"),
    path("project/<int:project_id>/offers/new/", views.make_offers, name="make_offers"),
    path("project/<int:project_id>/claims/", views.approval_queue, name="approval_queue"),
    path("project/<int:project_id>/eligibility/<int:person_id>/", views.eligibility, name="eligibility"),
    path("organisation/<int:organisation_id>/", views.finance, name="finance"),
    path("organisation/<int:organisation_id>/rates/", views.add_rate, name="add_rate"),
    path("organisation/<int:organisation_id>/rates/amount/", views.set_rate_amount, name="set_rate_amount"),
    path(
        "organisation/<int:organisation_id>/permitted-work/",
        views.set_permitted_work_limit,
        name="set_permitted_work_limit",
    ),
    path("organisation/<int:organisation_id>/settings/", views.payment_settings, name="payment_settings"),
    path("organisation/<int:organisation_id>/finance-team/", views.finance_officers, name="finance_officers"),
    path("organisation/<int:organisation_id>/runs/new/", views.create_run, name="create_run"),
    path("runs/<int:run_id>/", views.payment_run, name="payment_run"),
    path("runs/<int:run_id>/paid/", views.mark_run_paid, name="mark_run_paid"),
    path("runs/<int:run_id>/export.<str:file_format>", views.export_run, name="export_run"),
]
