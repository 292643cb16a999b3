"""Bids where instant pricing stops (需求发榜): a buyer publishes a quoted part to the cluster's factories that can
make its processes, they bid price, lead time and notes until a deadline, the buyer compares and awards. The award
places the order at the winning price, its steps assigned to the winner (planning keeps that assignment)."""
