"""Staff pages of the publication workflow, by concern: ``batches`` (lists, one batch and its
moves, composing), ``documents``, ``objections`` and ``published`` (errata, media reports,
early removal). Thin: each gets the record with the user's rights (publicity.permissions,
read from the workflow tables), validates with a form, calls one service."""
