using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using Palisade.Security.Pki;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>The TLS the CWMP port offers: TLS 1.3 sessions resume, TLS 1.2 stays forward-secret AEAD, hellos are read safely.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private X509Certificate2Collection _trust = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _trust = [];
        _trust.ImportFromPemFile(Path.Combine(_server.DataDirectory, "pki", "ca.crt"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_tls13_cpe_resumes_its_session_on_the_next_connection_without_the_certificate_exchange()
    {
        var first = await ConnectAsync(SslProtocols.Tls12 | SslProtocols.Tls13, resume: true);
        var second = await ConnectAsync(SslProtocols.Tls12 | SslProtocols.Tls13, resume: true);
        var certificate = CertificateLength();

        Assert.Equal(SslProtocols.Tls13, first.Protocol);
        Assert.Equal(SslProtocols.Tls13, second.Protocol);

        // A full handshake carries the server's certificate chain and signature; a resumed one does not.
        Assert.True(first.HandshakeBytes > certificate, $"full handshake read {first.HandshakeBytes} bytes");
        Assert.True(second.HandshakeBytes < first.HandshakeBytes - certificate,
            $"second handshake read {second.HandshakeBytes} bytes, first {first.HandshakeBytes}: not resumed");
    }

    [Fact]
    public async Task A_cpe_that_does_not_resume_gets_a_full_handshake_each_time()
    {
        var first = await ConnectAsync(SslProtocols.Tls13, resume: false);
        var second = await ConnectAsync(SslProtocols.Tls13, resume: false);
        var certificate = CertificateLength();
        Assert.True(second.HandshakeBytes > certificate, $"{second.HandshakeBytes} bytes");
        Assert.InRange(second.HandshakeBytes, first.HandshakeBytes - 64, first.HandshakeBytes + 64);
    }

    [Fact]
    public async Task A_tls12_only_cpe_gets_a_forward_secret_aead_suite()
    {
        var session = await ConnectAsync(SslProtocols.Tls12, resume: true);
        Assert.Equal(SslProtocols.Tls12, session.Protocol);
        Assert.Contains("ECDHE", session.Cipher.ToString(), StringComparison.Ordinal);
        Assert.Matches("GCM|CHACHA20_POLY1305", session.Cipher.ToString());
    }

    [Fact]
    public async Task A_hello_longer_than_its_record_is_not_read_past_the_record()
    {
        // The record header says the fragment ends early: the rest of the hello would be in a next record.
        var hello = await ClientHelloOfAsync(SslProtocols.Tls12 | SslProtocols.Tls13);
        var declared = BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(3));
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(3), (ushort)(declared - 16));
        Assert.Equal(OfferedVersions.Unknown, ClientHello.Read(hello));
    }

    [Fact]
    public void A_cpe_whose_hello_cannot_be_read_is_served_tls13_or_tls12_without_resumption()
    {
        var options = new SslServerAuthenticationOptions();
        TlsPolicy.Restrict(options, OfferedVersions.Unknown);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        Assert.False(options.AllowTlsResume);
        Assert.NotNull(options.CipherSuitesPolicy);
        Assert.Contains(TlsCipherSuite.TLS_AES_128_GCM_SHA256, options.CipherSuitesPolicy.AllowedCipherSuites);
        Assert.DoesNotContain(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, options.CipherSuitesPolicy.AllowedCipherSuites);
    }

    [Fact]
    public async Task A_tls12_cpe_offering_only_cbc_suites_is_refused()
    {
        await Assert.ThrowsAnyAsync<AuthenticationException>(() => ConnectAsync(
            SslProtocols.Tls12, resume: false, new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA])));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12 | SslProtocols.Tls13, "Tls13")]
    [InlineData(SslProtocols.Tls13, "Tls13")]
    [InlineData(SslProtocols.Tls12, "Tls12Only")]
    public async Task The_offered_versions_are_read_from_a_real_client_hello(SslProtocols protocols, string offered)
    {
        var expected = Enum.Parse<OfferedVersions>(offered);
        var hello = await ClientHelloOfAsync(protocols);
        Assert.Equal(expected, ClientHello.Read(hello));
        Assert.Equal(expected, ClientHello.Read(new System.Buffers.ReadOnlySequence<byte>(hello)));
    }

    [Fact]
    public async Task A_cut_short_or_mangled_client_hello_never_throws_and_never_claims_tls13()
    {
        var hello = await ClientHelloOfAsync(SslProtocols.Tls12 | SslProtocols.Tls13);
        for (var length = 0; length < hello.Length; length++)
        {
            Assert.Equal(OfferedVersions.Unknown, ClientHello.Read(hello.AsSpan(0, length)));
        }

        // Any bytes at all: an answer, never an exception or a read past the end.
        Gen.Byte.Array[0, 600].Sample(bytes => ClientHello.Read(bytes) != OfferedVersions.Tls13, iter: 20_000);
        Gen.Int[9, hello.Length - 1].Select(Gen.Byte).Sample((position, value) =>
        {
            var copy = (byte[])hello.Clone();
            copy[position] = value;
            return Enum.IsDefined(ClientHello.Read(copy));
        }, iter: 20_000);
    }

    private int CertificateLength()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(System.Text.Encoding.ASCII.GetBytes(File.ReadAllText(Path.Combine(_server.DataDirectory, "pki", "server.crt"))));
        return certificate.RawData.Length;
    }

    private sealed record Session(SslProtocols Protocol, TlsCipherSuite Cipher, long HandshakeBytes);

    // One CWMP connection by host name (clients resume only sessions they can key by name): handshake, one request,
    // the answer read (TLS 1.3 session tickets arrive after the handshake), closed.
    private async Task<Session> ConnectAsync(SslProtocols protocols, bool resume, CipherSuitesPolicy? ciphers = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _server.Url.Port);
        var counting = new CountingStream(tcp.GetStream());
        await using var ssl = new SslStream(counting);
        var options = Certificates.ServerAuthentication(_trust, insecure: false);
        options.TargetHost = "localhost";
        options.EnabledSslProtocols = protocols;
        options.AllowTlsResume = resume;
        options.CipherSuitesPolicy = ciphers;
        await ssl.AuthenticateAsClientAsync(options);
        var handshake = counting.BytesRead;
        await ssl.WriteAsync("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        while (await ssl.ReadAsync(buffer) > 0)
        {
        }

        return new Session(ssl.SslProtocol, ssl.NegotiatedCipherSuite, handshake);
    }

    // The first flight a .NET client sends for these protocols, captured without a server.
    private static async Task<byte[]> ClientHelloOfAsync(SslProtocols protocols)
    {
        var capture = new CaptureStream();
        await using var ssl = new SslStream(capture);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocols }, timeout.Token);
        var hello = await capture.FirstWrite.Task.WaitAsync(timeout.Token);
        capture.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return hello;
    }

    // A stream seen only through its async reads and writes (SslStream uses nothing else).
    private abstract class AsyncShim : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

        public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class CountingStream(Stream inner) : AsyncShim
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    // Takes the client's first write, then reads end-of-stream once closed.
    private sealed class CaptureStream : AsyncShim
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<byte[]> FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _closed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            FirstWrite.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override void Close()
        {
            _closed.TrySetResult();
            base.Close();
        }
    }
}
