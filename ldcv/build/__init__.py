"""The static build, and the nginx and Apache configuration that negotiates as the server does."""
