"""Intake service tests: a package (intake_service.conftest), named so it never shadows `intake`."""
