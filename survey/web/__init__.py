"""The website: one blueprint per kind of user, forms, language, errors, assets and headers."""
