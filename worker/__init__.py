"""The judge worker: RQ jobs that run submissions in Docker sandboxes."""
