"""The production profile: several Rasa servers and action servers behind nginx, on PostgreSQL,
Redis and RabbitMQ (`make run-prod`, deploy/, docs/deploy.md)."""
