"""The pages of accounts and the security audit log."""
