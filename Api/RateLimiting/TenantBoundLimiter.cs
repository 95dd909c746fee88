using System.Threading.RateLimiting;

namespace CreatiWall.Api.RateLimiting;

/// <summary>
/// One caller's limiter bound to its tenant's (shared by the tenant's callers): a request needs a permit of both. The
/// tenant's is looked at first without taking one, so a caller over its own limit does not use up its tenant's, and a
/// tenant over its limit does not use up its callers'. A refusal says which limit refused (<see cref="LimitMetadata"/>).
/// Disposing it leaves the tenant's limiter alone.
/// </summary>
public sealed class TenantBoundLimiter(RateLimiter caller, PartitionedRateLimiter<string> tenants, string tenant) : RateLimiter
{
    /// <summary>Metadata of a refused lease: <c>user</c> or <c>tenant</c>.</summary>
    public const string LimitMetadata = "cw.limit";

    public override TimeSpan? IdleDuration => caller.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => caller.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (tenants.GetStatistics(tenant) is { } shared && shared.CurrentAvailablePermits < permitCount)
        {
            return new Lease(false, "tenant", []);
        }

        var own = caller.AttemptAcquire(permitCount);
        if (!own.IsAcquired)
        {
            return new Lease(false, "user", [own]);
        }

        var ofTenant = tenants.AttemptAcquire(tenant, permitCount);
        if (ofTenant.IsAcquired)
        {
            return new Lease(true, null, [own, ofTenant]);
        }

        own.Dispose();
        return new Lease(false, "tenant", [ofTenant]);
    }

    /// <summary>No queue (a queue limit of 0): a request waits for nothing, so the attempt is the answer.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            caller.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await caller.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    sealed class Lease(bool acquired, string? limit, RateLimitLease[] inner) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            limit is null ? inner.SelectMany(l => l.MetadataNames) : [LimitMetadata, .. inner.SelectMany(l => l.MetadataNames)];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == LimitMetadata && limit is not null)
            {
                metadata = limit;
                return true;
            }

            foreach (var lease in inner)
            {
                if (lease.TryGetMetadata(metadataName, out metadata))
                {
                    return true;
                }
            }

            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var lease in inner)
                {
                    lease.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
