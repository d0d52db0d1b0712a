# Copy to instance/config.py; values here override the environment defaults.
# SECRET_KEY = "a long random string"
# DATABASE_URL = "postgresql://codedev@db/codedev"
# REDIS_URL = "redis://redis:6379/0"
# CODEDEV_ENV would be set through the environment: CODEDEV_ENV=production
