"""The fault suite: the service under load while its processes and dependencies fail."""
