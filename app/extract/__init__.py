"""`entente extract`: from an article's text to a draft seed bundle of cited candidate facts."""
