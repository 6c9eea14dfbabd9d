namespace OrleansStyle.Farm.Workers;

/// <summary>
/// Names one device on one silo; the worker grain's key is <c>{silo}|{device}</c>, e.g.
/// <c>S10.0.0.5:11111:123456789|cuda:1</c>. The silo part is the silo's address, so a restarted silo gets new
/// workers and a dead silo's workers cannot be re-activated anywhere else.
/// </summary>
public readonly record struct WorkerAddress(string Silo, string Device)
{
    private const char Separator = '|';

    public string Key => $"{Silo}{Separator}{Device}";

    public static bool TryParse(string key, out WorkerAddress address)
    {
        var split = key.LastIndexOf(Separator);
        if (split <= 0 || split == key.Length - 1)
        {
            address = default;
            return false;
        }

        address = new WorkerAddress(key[..split], key[(split + 1)..]);
        return true;
    }

    public override string ToString() => Key;
}
