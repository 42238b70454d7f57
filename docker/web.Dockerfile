# The web app (REST API and dashboard). It loads no native code; workers train.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Web -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Not root: the aspnet image's "app" account (uid 1654, shared by the worker images so they can share the artifacts volume).
RUN mkdir -p /data/artifacts /data/keys && chown app:app /data/artifacts /data/keys
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK CMD curl -fsS http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "Dashboard.Web.dll"]
