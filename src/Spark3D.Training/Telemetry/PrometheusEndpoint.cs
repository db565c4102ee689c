using System.Net;
using System.Text;

namespace Spark3D.Training.Telemetry;

/// <summary>
/// A minimal HTTP endpoint serving <c>/metrics</c> in Prometheus text format from a <see cref="MeterAggregator"/>.
/// Binds to 127.0.0.1 by default: exposing it wider is a deliberate config change (spark3d.telemetry.prometheus.host).
/// </summary>
public sealed class PrometheusEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly MeterAggregator _aggregator;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PrometheusEndpoint(MeterAggregator aggregator, string host = "127.0.0.1", int port = 9464)
    {
        _aggregator = aggregator;
        Url = $"http://{host}:{port}/metrics";
        _listener.Prefixes.Add($"http://{host}:{port}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"Prometheus endpoint could not bind {host}:{port}: {e.Message}", e);
        }
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The scrape URL.</summary>
    public string Url { get; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            try
            {
                bool isMetrics = ctx.Request.Url?.AbsolutePath is "/metrics" or "/";
                byte[] body = Encoding.UTF8.GetBytes(isMetrics ? PrometheusTextFormatter.Format(_aggregator.Snapshot()) : "not found\n");
                ctx.Response.StatusCode = isMetrics ? 200 : 404;
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                ctx.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The scraper went away mid-response; nothing to do.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
