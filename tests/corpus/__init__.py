"""The evaluation corpus: three homes, label lists for a dev and a frozen test
split, and the script that makes both lists and their audio (see README.md)."""
