namespace OrleansStyle.Farm.Client;

/// <summary>
/// The identity of a render request for idempotency (as payment APIs fingerprint a request under its key): XxHash128
/// over the picture's pixels, every style's name, weight, image and mask, and every option that changes the result.
/// Deadline and caller are left out: a retry may carry a new deadline and still be the same request.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(FarmRenderRequest request) =>
        new RequestHash().Add(request.Content).Add(request.Model).Add(request.Regions).Add(request.Options).ToHex();
}
