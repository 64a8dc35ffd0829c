# One image for every role; the command picks it (serve, ingress, dispatcher, worker, store).
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -Dcheckstyle.skip=true -pl launcher -am package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/launcher/target/broker.jar /app/broker.jar
COPY --from=build /src/launcher/target/lib /app/lib
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/broker.jar"]
CMD ["serve"]
