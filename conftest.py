pytest_plugins = ["callcenter_shared.testing"]
