# The eksdoctor CLI in a small image: `docker run --rm -v "$PWD:/src" -w /src eksdoctor scan .`
FROM rust:1-bookworm AS build
WORKDIR /build
COPY . .
RUN cargo build --release --locked -p eksdoctor

FROM debian:bookworm-slim
COPY --from=build /build/target/release/eksdoctor /usr/local/bin/eksdoctor
WORKDIR /src
ENTRYPOINT ["eksdoctor"]
CMD ["scan", "."]
