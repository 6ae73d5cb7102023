"""The LightningModules of every training regime and the retrieval evaluation callback."""
