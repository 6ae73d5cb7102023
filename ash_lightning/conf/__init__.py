"""The Hydra configuration groups, shipped inside the package and found as its resources."""
