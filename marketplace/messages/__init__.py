"""One message thread per order between its buyer, the factories that work on it and the cluster's operator."""
