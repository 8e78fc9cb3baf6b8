# uringfuse container image.
#
#   docker build -t uringfuse .                          # on this project's machines (local base images)
#   docker build -t uringfuse --build-arg BUILD_IMAGE=eclipse-temurin:25-jdk \
#                --build-arg BASE_IMAGE=debian:bookworm-slim .   # elsewhere
#   docker run --rm --privileged --device /dev/fuse -v /srv/data:/data \
#              -v /mnt/data:/mnt/data:rshared uringfuse mount /data /mnt/data --foreground
#
# The build stage needs a JDK 25 (BUILD_IMAGE); the runtime stage is BASE_IMAGE plus a jlink'd Java
# runtime with only the modules uringfuse uses. No image is pulled on this project's machines:
# ../shared/containers/docker-setup.sh --jdk-image builds both local images.
ARG BUILD_IMAGE=local/bookworm-jdk25:latest
ARG BASE_IMAGE=local/bookworm:base

FROM ${BUILD_IMAGE} AS build
# A JDK copied from a Debian host keeps cacerts as a link to /etc/ssl/certs/java/cacerts: when it
# dangles, build that trust store from Debian's CA bundle (one small Java program, no extra JRE).
RUN [ -s "$JAVA_HOME/lib/security/cacerts" ] || { apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates \
      && rm -rf /var/lib/apt/lists/* && mkdir -p /etc/ssl/certs/java \
      && printf '%s\n' 'import java.io.*; import java.security.*; import java.security.cert.*;' \
        'public class Ca { public static void main(String[] a) throws Exception {' \
        '  KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(null, null); int i = 0;' \
        '  try (var in = new FileInputStream("/etc/ssl/certs/ca-certificates.crt")) {' \
        '    for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c); }' \
        '  try (var out = new FileOutputStream(a[0])) { ks.store(out, "changeit".toCharArray()); } } }' > /tmp/Ca.java \
      && java -Dkeystore.pkcs12.certProtectionAlgorithm=NONE -Dkeystore.pkcs12.macAlgorithm=NONE \
           /tmp/Ca.java /etc/ssl/certs/java/cacerts && rm /tmp/Ca.java; }
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY picocli-recompiled/pom.xml picocli-recompiled/pom.xml
COPY ring-core ring-core
COPY fuse-server fuse-server
COPY export export
COPY cli cli
COPY testkit testkit
COPY integration-tests/pom.xml integration-tests/pom.xml
COPY benchmarks/pom.xml benchmarks/pom.xml
COPY jnr-bridge/pom.xml jnr-bridge/pom.xml
COPY examples/pom.xml examples/pom.xml
ENV HOME=/root
RUN ./mvnw -B -q -DskipTests package -pl cli,testkit -am \
 && jlink --add-modules java.base,java.logging,java.management,jdk.unsupported --strip-java-debug-attributes --no-header-files \
      --no-man-pages --compress=zip-6 --output /opt/jre \
 && mkdir -p /opt/uringfuse/lib \
 && cp cli/target/uringfuse.jar /opt/uringfuse/ && cp cli/target/lib/*.jar /opt/uringfuse/lib/

FROM ${BASE_IMAGE}
COPY --from=build /opt/jre /opt/jre
COPY --from=build /opt/uringfuse /opt/uringfuse
# default places for a source and a mountpoint; bind other paths over them as needed
RUN mkdir -p /data /mnt/data
# SIGTERM from `docker stop` unmounts cleanly (the server handles it and exits 0).
STOPSIGNAL SIGTERM
# `uringfuse` is a command on PATH (docker exec C uringfuse stats /mnt/data) and the entrypoint.
# Memory flags as in the launcher: one server per container must stay small.
RUN printf '%s\n' '#!/bin/sh' \
      'exec /opt/jre/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx512m \' \
      '  -XX:ReservedCodeCacheSize=64m -XX:CICompilerCount=2 -Xss1m -XX:TrimNativeHeapInterval=5000 -Xshare:auto \' \
      '  -cp "/opt/uringfuse/uringfuse.jar:/opt/uringfuse/lib/*" org.uringfuse.cli.Main "$@"' \
      > /usr/local/bin/uringfuse \
 && chmod 755 /usr/local/bin/uringfuse
ENTRYPOINT ["/usr/local/bin/uringfuse"]
CMD ["--help"]
