"""qa-dashboard: performance and quality assurance for children's social care."""
