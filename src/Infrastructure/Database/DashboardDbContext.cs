using Dashboard.Domain.Access;
using Dashboard.Domain.Artifacts;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Access;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Database;

/// <summary>
/// EF Core mapping over the schema that the SQL migrations create (EF never creates tables here).
/// Metric points are not mapped: they are written by COPY and read by hand-written SQL.
/// </summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : DbContext(options)
{
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<WorkerInfo> Workers => Set<WorkerInfo>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ReviewLink> ReviewLinks => Set<ReviewLink>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.MapAccess();
        model.Entity<Experiment>(e =>
        {
            e.ToTable("experiments");
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.Name).HasColumnName("name");
            e.Property(x => x.Family).HasColumnName("family");
            e.Property(x => x.Config).HasColumnName("config").HasColumnType("jsonb");
            e.Property(x => x.Sweep).HasColumnName("sweep").HasColumnType("jsonb");
            e.Property(x => x.Tags).HasColumnName("tags");
            e.Property(x => x.Owner).HasColumnName("owner");
            e.Property(x => x.Notes).HasColumnName("notes");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.Claims).HasColumnName("claims").HasColumnType("jsonb");
        });

        model.Entity<Run>(r =>
        {
            r.ToTable("runs");
            r.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            r.Property(x => x.ExperimentId).HasColumnName("experiment_id");
            r.Property(x => x.Index).HasColumnName("index");
            r.Property(x => x.Family).HasColumnName("family");
            r.Property(x => x.Config).HasColumnName("config").HasColumnType("jsonb");
            r.Property(x => x.Seed).HasColumnName("seed");
            r.Property(x => x.AxisValues).HasColumnName("axis_values").HasColumnType("jsonb");
            r.Property(x => x.State).HasColumnName("state")
                .HasConversion(s => s.ToName(), s => RunStateNames.Parse(s));
            r.Property(x => x.Priority).HasColumnName("priority");
            r.Property(x => x.NotBefore).HasColumnName("not_before");
            r.Property(x => x.DeviceKind).HasColumnName("device_kind")
                .HasConversion(k => k == DeviceKind.Cuda ? "cuda" : "cpu", s => s == "cuda" ? DeviceKind.Cuda : DeviceKind.Cpu);
            r.Property(x => x.MinGpuMemoryMb).HasColumnName("min_gpu_memory_mb");
            r.Property(x => x.TimeLimitSeconds).HasColumnName("time_limit_seconds");
            r.Property(x => x.Attempts).HasColumnName("attempts");
            r.Property(x => x.MaxAttempts).HasColumnName("max_attempts");
            r.Property(x => x.WorkerId).HasColumnName("worker_id");
            r.Property(x => x.LeaseExpiresAt).HasColumnName("lease_expires_at");
            r.Property(x => x.CancelRequested).HasColumnName("cancel_requested");
            r.Property(x => x.FailureReason).HasColumnName("failure_reason");
            r.Property(x => x.Step).HasColumnName("step");
            r.Property(x => x.TotalSteps).HasColumnName("total_steps");
            r.Property(x => x.Summary).HasColumnName("summary").HasColumnType("jsonb");
            r.Property(x => x.CreatedAt).HasColumnName("created_at");
            r.Property(x => x.StartedAt).HasColumnName("started_at");
            r.Property(x => x.FinishedAt).HasColumnName("finished_at");
            r.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            r.Ignore(x => x.Device);
            r.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<WorkerInfo>(w =>
        {
            w.ToTable("workers");
            w.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            w.Property(x => x.Name).HasColumnName("name");
            w.Property(x => x.Host).HasColumnName("host");
            w.Property(x => x.Device).HasColumnName("device");
            w.Property(x => x.GpuName).HasColumnName("gpu_name");
            w.Property(x => x.GpuMemoryMb).HasColumnName("gpu_memory_mb");
            w.Property(x => x.Version).HasColumnName("version");
            w.Property(x => x.StartedAt).HasColumnName("started_at");
            w.Property(x => x.LastHeartbeatAt).HasColumnName("last_heartbeat_at");
            w.Property(x => x.CurrentRunId).HasColumnName("current_run_id");
            w.Property(x => x.StoppedAt).HasColumnName("stopped_at");
        });

        model.Entity<Artifact>(a =>
        {
            a.ToTable("artifacts");
            a.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            a.Property(x => x.RunId).HasColumnName("run_id");
            a.Property(x => x.Name).HasColumnName("name");
            a.Property(x => x.SizeBytes).HasColumnName("size_bytes");
            a.Property(x => x.Sha256).HasColumnName("sha256");
            a.Property(x => x.ContentType).HasColumnName("content_type");
            a.Property(x => x.CreatedAt).HasColumnName("created_at");
            a.HasOne<Run>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
