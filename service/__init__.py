"""The application layer: what happens when a learner writes, when a message cannot be
delivered, when an admin sends an alert. Shared by every channel and the command line; it knows
the flows and the store, never a chat platform."""
