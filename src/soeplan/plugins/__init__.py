"""The plugin SDK's host: hook specifications, the plugin manager, the core plugin and the registry."""
