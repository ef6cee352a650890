pytest_plugins = ["callcenter_testing.fixtures"]
