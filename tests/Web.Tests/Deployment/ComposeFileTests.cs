using Dashboard.Web.Tests.Api;
using YamlDotNet.RepresentationModel;

namespace Dashboard.Web.Tests.Deployment;

/// <summary>Docker does not run here, so the compose file is checked against what the apps actually read.</summary>
public sealed class ComposeFileTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly YamlMappingNode Root = Load();

    private static YamlMappingNode Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "compose.yaml"))) dir = dir.Parent;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(dir!.FullName, "compose.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)((YamlMappingNode)Root["services"])[name];

    private static Dictionary<string, string> Env(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

    private static Dictionary<string, string> ConnectionParts(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void It_has_postgres_web_and_cpu_and_gpu_workers()
    {
        ((YamlMappingNode)Root["services"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value)
            .Should().BeEquivalentTo("postgres", "minio", "minio-bucket", "web", "worker-cpu", "worker-cuda");
    }

    [Theory]
    [InlineData("web")]
    [InlineData("worker-cpu")]
    [InlineData("worker-cuda")]
    public void Every_app_connects_to_the_postgres_service_with_its_credentials(string service)
    {
        var db = Env("postgres");
        var parts = ConnectionParts(Env(service)["ConnectionStrings__Dashboard"]);
        parts["Host"].Should().Be("postgres");
        parts["Port"].Should().Be("5432");
        parts["Database"].Should().Be(db["POSTGRES_DB"]);
        parts["Username"].Should().Be(db["POSTGRES_USER"]);
        parts["Password"].Should().Be(db["POSTGRES_PASSWORD"]);
    }

    [Fact]
    public void Web_publishes_the_port_it_listens_on_and_its_health_check_route_exists()
    {
        var listens = new Uri(Env("web")["ASPNETCORE_URLS"].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        var ports = ((YamlSequenceNode)Service("web")["ports"]).Children.Select(p => ((YamlScalarNode)p).Value!).ToList();
        ports.Should().ContainSingle().Which.Should().EndWith($":{listens}");
        var check = string.Join(' ', ((YamlSequenceNode)((YamlMappingNode)Service("web")["healthcheck"])["test"]).Children
            .Select(c => ((YamlScalarNode)c).Value));
        check.Should().Contain($"localhost:{listens}/healthz");
    }

    [Fact]
    public async Task The_health_check_route_answers()
    {
        var response = await app.CreateClient().GetAsync("/healthz");
        response.IsSuccessStatusCode.Should().BeTrue();
    }

    [Fact]
    public void Web_and_workers_keep_artifacts_in_the_bucket_minio_serves_and_share_no_folder()
    {
        var minio = Env("minio");
        var bucketSetup = string.Join(' ', ((YamlSequenceNode)Service("minio-bucket")["entrypoint"]).Children.Select(c => ((YamlScalarNode)c).Value));
        var webVolumes = Volumes("web").Select(v => v.Split(':')[0]).ToHashSet();
        foreach (var service in new[] { "web", "worker-cpu", "worker-cuda" })
        {
            var env = Env(service);
            var bucket = Dashboard.Infrastructure.Artifacts.Remote.S3Settings.From(key => env.GetValueOrDefault("Dashboard__Artifacts__" + key.Replace(":", "__", StringComparison.Ordinal)), _ => null);
            bucket.Should().NotBeNull(service);
            bucket!.ServiceUrl!.Host.Should().Be("minio");
            bucket.ServiceUrl.Port.Should().Be(9000, "MinIO's API port");
            bucketSetup.Should().Contain($"store/{bucket.Bucket}", "the bucket is made before the web app starts");
            bucket.AccessKey.Should().Be(minio["MINIO_ROOT_USER"]);
            bucket.SecretKey.Should().Be(minio["MINIO_ROOT_PASSWORD"]);
            Volumes(service).Should().Contain(v => v.EndsWith($":{env["Dashboard__ArtifactsDirectory"]}", StringComparison.Ordinal), service);
            if (service != "web")
                Volumes(service).Select(v => v.Split(':')[0]).Should().NotIntersectWith(webVolumes, "workers need no folder shared with the web app");
            env["Dashboard__Queue__LeaseSeconds"].Should().Be(Env("web")["Dashboard__Queue__LeaseSeconds"]);
        }
        Env("minio-bucket")["MINIO_ROOT_PASSWORD"].Should().Be(minio["MINIO_ROOT_PASSWORD"]);
    }

    private static List<string> Volumes(string service) =>
        ((YamlSequenceNode)Service(service)["volumes"]).Children.Select(v => ((YamlScalarNode)v).Value!).ToList();

    [Fact]
    public void The_gpu_worker_reserves_the_gpu_it_trains_on()
    {
        var command = ((YamlSequenceNode)Service("worker-cuda")["command"]).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
        var device = command[command.IndexOf("--device") + 1]!;
        device.Should().MatchRegex("^cuda:[0-9]+$");
        var reservation = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Service("worker-cuda")["deploy"])
            ["resources"])["reservations"])["devices"]).Children[0];
        ((YamlScalarNode)reservation["driver"]).Value.Should().Be("nvidia");
        ((YamlSequenceNode)reservation["device_ids"]).Children.Select(c => ((YamlScalarNode)c).Value)
            .Should().Equal(device["cuda:".Length..]);
        var cpuCommand = ((YamlSequenceNode)Service("worker-cpu")["command"]).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
        cpuCommand[cpuCommand.IndexOf("--device") + 1].Should().Be("cpu");
    }

    [Fact]
    public void Every_dockerfile_named_exists()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "compose.yaml"))) dir = dir.Parent;
        foreach (var service in new[] { "web", "worker-cpu", "worker-cuda" })
        {
            var file = ((YamlScalarNode)((YamlMappingNode)Service(service)["build"])["dockerfile"]).Value!;
            File.Exists(Path.Combine(dir.FullName, file)).Should().BeTrue(file);
        }
    }
}
