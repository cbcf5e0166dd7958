from django.urls import path

from .views import analysis, coding, exchange, sources, themes

app_name = "sensemaking"

P = "project/<int:project_id>/"

urlpatterns = [
    path("mine/", sources.my_words, name="my_words"),
    path(P, sources.overview, name="overview"),
    path(P + "sources/add/", sources.upload, name="upload"),
    path(P + "sources/add/<int:pending_id>/columns/", sources.choose_columns, name="choose_columns"),
    path(P + "sources/<int:source_id>/", sources.source_detail, name="source"),
    path(P + "sources/<int:source_id>/consent/", sources.change_consent, name="consent"),
    path(P + "sources/<int:source_id>/narrator/", sources.change_narrator, name="narrator"),
    path(P + "sources/<int:source_id>/speakers/", sources.speakers, name="speakers"),
    path(P + "sources/<int:source_id>/note/", sources.add_note, name="add_note"),
    path(P + "sources/<int:source_id>/correction/", sources.request_correction, name="request_correction"),
    path(P + "sources/<int:source_id>/withdraw/", sources.withdraw, name="withdraw"),
    path(P + "sources/<int:source_id>/withdraw/cancel/", sources.cancel_withdrawal, name="cancel_withdrawal"),
    path(
        P + "sources/<int:source_id>/speakers/<int:speaker_id>/consent/",
        sources.speaker_consent,
        name="speaker_consent",
    ),
    path(
        P + "sources/<int:source_id>/speakers/<int:speaker_id>/withdraw/",
        sources.speaker_withdraw,
        name="speaker_withdraw",
    ),
    path(
        P + "sources/<int:source_id>/speakers/<int:speaker_id>/withdraw/cancel/",
        sources.speaker_cancel_withdrawal,
        name="speaker_cancel_withdrawal",
    ),
    path(P + "corrections/<int:correction_id>/", sources.correction, name="correction"),
    path(P + "flags/", sources.flags, name="flags"),
    path(P + "flags/<int:flag_id>/resolve/", sources.resolve_flag, name="resolve_flag"),
    path(P + "sources/<int:source_id>/code/", coding.code_source, name="code_source"),
    path(P + "sources/<int:source_id>/code/apply/", coding.apply_code, name="apply_code"),
    path(P + "sources/<int:source_id>/code/selection/", coding.apply_selection, name="apply_selection"),
    path(P + "codings/<int:coding_id>/remove/", coding.remove_coding, name="remove_coding"),
    path(P + "passages/<int:segment_id>/memo/", coding.segment_memo, name="segment_memo"),
    path(P + "codebook/", coding.codebook, name="codebook"),
    path(P + "codebook/<int:code_id>/", coding.code_detail, name="code"),
    path(P + "agreement/", analysis.agreement, name="agreement"),
    path(
        P + "agreement/sources/<int:source_id>/codes/<int:code_id>/",
        analysis.differences_view,
        name="differences",
    ),
    path(P + "assisted/", analysis.assisted, name="assisted"),
    path(P + "assisted/suggest/", analysis.generate_suggestions, name="generate_suggestions"),
    path(P + "suggestions/<int:suggestion_id>/", analysis.decide_suggestion, name="decide_suggestion"),
    path(P + "assisted/discover/", analysis.discover, name="discover"),
    path(P + "assisted/candidates/<int:candidate_id>/", analysis.decide_candidate, name="decide_candidate"),
    path(P + "themes/", themes.theme_list, name="themes"),
    path(P + "themes/<int:theme_id>/", themes.theme_detail, name="theme"),
    path(P + "themes/<int:theme_id>/move/", themes.move_theme, name="move_theme"),
    path(P + "themes/<int:theme_id>/quotes/add/", themes.add_quote, name="add_quote"),
    path(P + "quotes/<int:quote_id>/", themes.quote_action, name="quote_action"),
    path(P + "register/", themes.register, name="register"),
    path(P + "exchange/", exchange.exchange_page, name="exchange"),
    path(P + "exchange/codebook.qdc", exchange.export_codebook, name="export_codebook"),
    path(P + "exchange/project.qdpx", exchange.export_project, name="export_project"),
    path(P + "exchange/codings/", exchange.export_codings, name="export_codings"),
    path(P + "exchange/quotes/", exchange.export_quotes, name="export_quotes"),
    path(P + "exchange/import/codebook/", exchange.import_codebook, name="import_codebook"),
    path(P + "exchange/import/project/", exchange.import_project, name="import_project"),
]
