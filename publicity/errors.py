"""The domain error of publication."""


class PublicationError(Exception):
    """A publication rule refused the write; the message tells the person what to do."""
