# The Golt node image. Build context: the repository root, after `./mvnw package`
# (bin/build-images does both). The operator runs it with only `args` (the node's flags).
FROM eclipse-temurin:25-jre

# A fixed numeric, non-root user: Kubernetes' runAsNonRoot can verify it, and pods can set
# fsGroup 10001 so the data volume is writable.
RUN groupadd --system --gid 10001 golt \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/golt \
      --shell /usr/sbin/nologin golt \
 && mkdir -p /var/lib/golt \
 && chown 10001:10001 /var/lib/golt

WORKDIR /opt/golt
# Quarkus' fast-jar layout, libraries first: they change least, so their layer is reused.
COPY node/server/target/quarkus-app/lib/ lib/
COPY node/server/target/quarkus-app/quarkus/ quarkus/
COPY node/server/target/quarkus-app/app/ app/
COPY node/server/target/quarkus-app/quarkus-run.jar quarkus-run.jar

# The data directory is a mounted volume (the StatefulSet's PersistentVolumeClaim).
ENV GOLT_DATA=/var/lib/golt
VOLUME /var/lib/golt

USER 10001:10001
# 7000: Raft gRPC between members. 8000: HTTP API, health (/q/health/*) and metrics (/q/metrics).
EXPOSE 7000 8000

# Heap from the container's memory limit. The rest of the limit is for direct buffers (gRPC,
# WAL), metaspace, thread stacks and the page cache the LSM tree reads through.
# Add JVM options with JAVA_TOOL_OPTIONS; node flags go after the image name or in `args`.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:InitialRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-jar", "/opt/golt/quarkus-run.jar"]
