// Imported first by scripts/bench.ts, before any module that reads NODE_ENV when it loads (graphql-js
// skips its development-only checks in production, Apollo Server changes defaults): every bench
// process, and every process it starts (the gateways), runs as the Dockerfile and docker-compose.yml
// deploy the services, with NODE_ENV=production. What is measured is what runs.
process.env.NODE_ENV = "production";
