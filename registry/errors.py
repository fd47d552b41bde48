"""The domain error of the registry."""


class RegistryError(Exception):
    """A write the person asked for cannot be done; the message says why and what to do."""
