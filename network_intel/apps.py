from django.apps import AppConfig


class NetworkIntelConfig(AppConfig):
    name = "network_intel"
    verbose_name = "Network intelligence"
