"""Lightning callbacks: retrieval evaluation at validation and test time."""
