"""A persistent case index over a trained run's hash codes (Fang et al., BIBM 2020, §III, §IV-C)."""
