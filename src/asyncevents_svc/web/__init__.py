"""What the server-rendered web apps (the operator console, the consumer portal) share: the
in-process API client, form handling, and the sealed session cookie."""
