"""Every domain module, in registration order. Each is a package `api/<name>/` with a `resources.blp`."""
MODULES = [
    "health",
    "files",
    "jobs",
    "org",
    "deputies",
    "auth",
    "audit",
    "push",
    "notices",
]
