package dev.nines.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the JDK's own keytool, the way an operator would: a self-signed CA,
 * a server key and certificate for {@code localhost} (and 127.0.0.1) signed by it, and a
 * truststore holding only the CA. All PKCS12, one password. Nothing here is trusted by the JVM
 * by default, so a client that connects has used the truststore.
 */
public record TestPki(Path dir, String password, Path serverKeystore, Path truststore) {

  public static TestPki create(Path dir, String password) {
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve("ca.p12");
      Path caPem = dir.resolve("ca.pem");
      Path server = dir.resolve("server.p12");
      Path csr = dir.resolve("server.csr");
      Path serverPem = dir.resolve("server.pem");
      Path trust = dir.resolve("truststore.p12");
      keytool(
          "-genkeypair",
          "-alias",
          "ca",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=nines-test-ca",
          "-ext",
          "bc:c",
          "-validity",
          "2",
          "-keystore",
          ca.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      keytool(
          "-exportcert",
          "-alias",
          "ca",
          "-keystore",
          ca.toString(),
          "-storepass",
          password,
          "-rfc",
          "-file",
          caPem.toString());
      keytool(
          "-genkeypair",
          "-alias",
          "server",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=localhost",
          "-validity",
          "2",
          "-keystore",
          server.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      keytool(
          "-certreq",
          "-alias",
          "server",
          "-keystore",
          server.toString(),
          "-storepass",
          password,
          "-file",
          csr.toString());
      keytool(
          "-gencert",
          "-alias",
          "ca",
          "-keystore",
          ca.toString(),
          "-storepass",
          password,
          "-infile",
          csr.toString(),
          "-outfile",
          serverPem.toString(),
          "-rfc",
          "-validity",
          "2",
          "-ext",
          "san=dns:localhost,ip:127.0.0.1");
      keytool(
          "-importcert",
          "-alias",
          "ca",
          "-keystore",
          server.toString(),
          "-storepass",
          password,
          "-file",
          caPem.toString(),
          "-noprompt");
      keytool(
          "-importcert",
          "-alias",
          "server",
          "-keystore",
          server.toString(),
          "-storepass",
          password,
          "-file",
          serverPem.toString());
      keytool(
          "-importcert",
          "-alias",
          "ca",
          "-keystore",
          trust.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password,
          "-file",
          caPem.toString(),
          "-noprompt");
      return new TestPki(dir, password, server, trust);
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the test PKI in " + dir, e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
