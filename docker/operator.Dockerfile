# The Golt operator image. Build context: the repository root, after `./mvnw package`
# (bin/build-images does both).
FROM eclipse-temurin:25-jre

# The Maven project version, which names the operator jar.
ARG VERSION

RUN groupadd --system --gid 10001 golt \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin golt

WORKDIR /opt/golt-operator
# The jar's manifest puts lib/*.jar on the class path. Libraries first: their layer is reused.
COPY operator/target/lib/ lib/
COPY operator/target/golt-operator-${VERSION}.jar golt-operator.jar

USER 10001:10001
# GOLT_OPERATOR_HTTP (default 0.0.0.0:8080): /healthz, /readyz, /metrics.
EXPOSE 8080

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-jar", "/opt/golt-operator/golt-operator.jar"]
