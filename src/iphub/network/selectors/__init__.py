"""Every read of the network app: outlets, tickets, agencies (one module each)."""
