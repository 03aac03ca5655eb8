"""The knowledge base: articles as data, their validation and the training data made from them."""
