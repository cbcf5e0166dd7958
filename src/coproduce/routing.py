"""Websocket routes of every app, gathered for the ASGI router."""

from coproduce.live.routing import websocket_urlpatterns as live_websocket_urlpatterns

websocket_urlpatterns: list = []
websocket_urlpatterns += live_websocket_urlpatterns
