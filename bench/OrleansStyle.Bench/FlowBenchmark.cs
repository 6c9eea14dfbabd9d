using System.Diagnostics;
using OpenCvSharp;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Bench;

/// <summary>
/// bench flow: optical flow speed per 640×360 pair and accuracy on a synthetic pan + zoom with known flow (mean and
/// median end-point error in px, over the interior), for Farnebäck settings (full size, and on frames shrunk 2 or 4
/// times) and OpenCV's PyrLK sparse-to-dense flow side by side in one run, then the cost of a whole motion estimate
/// (both flows and the occlusion mask) with full-size flows and with the blend's. Scenes: sample photos.
/// </summary>
internal static class FlowBenchmark
{
    public static void Run(string[] photos)
    {
        const int w = 640, h = 360;
        Console.WriteLine("| scene | method | ms / pair | mean EPE px | median EPE px | EPE p90 px |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var scenes = photos.DefaultIfEmpty(SampleImages.Content("garden")).Select(p => (Path.GetFileNameWithoutExtension(p), new SafeImageReader().ReadRgb(p).ToPlanar()));
        foreach (var (name, photo) in scenes)
        {
            var source = photo.Resize(w + 80, h + 80);
            // The true motion: every point of frame a moves by a 3 % zoom about the centre plus a (4, −2) px pan.
            double s = 1.03, tx = 4, ty = -2, cx = (w + 80) / 2.0, cy = (h + 80) / 2.0;
            var a = source.Crop(40, 40, w, h);
            var fromA = new FlowField(w, h, new float[w * h], new float[w * h]);
            var trueX = new float[w * h];
            var trueY = new float[w * h];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var (X, Y) = (x + 40.0, y + 40.0);
                    trueX[(y * w) + x] = (float)((cx + (s * (X - cx)) + tx) - X);
                    trueY[(y * w) + x] = (float)((cy + (s * (Y - cy)) + ty) - Y);
                    // b(x) = source(inverse motion of x), so a(x) = b(x + true(x)).
                    fromA.Dx[(y * w) + x] = (float)((cx + ((X - tx - cx) / s)) - X);
                    fromA.Dy[(y * w) + x] = (float)((cy + ((Y - ty - cy) / s)) - Y);
                }
            }

            var b = Warp(source, fromA);
            foreach (var (method, run) in Methods())
            {
                run(a, b); // warm-up
                var clock = Stopwatch.StartNew();
                FlowField flow = null!;
                for (var i = 0; i < 3; i++)
                {
                    flow = run(a, b);
                }

                var errors = new List<double>();
                for (var y = 20; y < h - 20; y++)
                {
                    for (var x = 20; x < w - 20; x++)
                    {
                        var i = (y * w) + x;
                        errors.Add(Math.Sqrt(Math.Pow(flow.Dx[i] - trueX[i], 2) + Math.Pow(flow.Dy[i] - trueY[i], 2)));
                    }
                }

                errors.Sort();
                Console.WriteLine($"| {name} | {method} | {clock.Elapsed.TotalMilliseconds / 3:F0} | {errors.Average():F3} | {errors[errors.Count / 2]:F3} | {errors[errors.Count * 9 / 10]:F3} |");
            }

            // What a blended frame costs: both flows (in parallel) and the occlusion mask.
            foreach (var (method, estimate) in new (string, Func<PlanarImage, PlanarImage, FrameMotion>)[]
            {
                ("FrameMotion.Estimate, full-size flows (both flows + mask)", (p, c) => FrameMotion.Estimate(p, c)),
                ($"TemporalBlender.EstimateMotion, downscale {TemporalBlender.FlowDownscale} (both flows + mask)", TemporalBlender.EstimateMotion),
            })
            {
                estimate(a, b);
                var clock = Stopwatch.StartNew();
                FrameMotion motion = null!;
                for (var i = 0; i < 3; i++)
                {
                    motion = estimate(a, b);
                }

                Console.WriteLine($"| {name} | {method} | {clock.Elapsed.TotalMilliseconds / 3:F0} | {100.0 * motion.OccludedPixels / (w * h):F1} % untrusted | | |");
            }
        }
    }

    private static IEnumerable<(string, Func<PlanarImage, PlanarImage, FlowField>)> Methods()
    {
        yield return ("OpticalFlow.Farneback (full size: E_warp, optimisation)", OpticalFlow.Farneback);
        yield return ($"OpticalFlow.Farneback, downscale {TemporalBlender.FlowDownscale} (the blend's)", (a, b) => OpticalFlow.Farneback(a, b, TemporalBlender.FlowDownscale));
        yield return ("OpticalFlow.Farneback, downscale 4", (a, b) => OpticalFlow.Farneback(a, b, 4));
        yield return ("Farnebäck win 15, 3 levels", (a, b) => Cv(a, b, 15, 3, OpticalFlowFlags.None));
        yield return ("Farnebäck win 31, 5 levels", (a, b) => Cv(a, b, 31, 5, OpticalFlowFlags.None));
        yield return ("Farnebäck win 31, 5 levels, Gaussian", (a, b) => Cv(a, b, 31, 5, OpticalFlowFlags.FarnebackGaussian));
        yield return ("Farnebäck win 47, 6 levels", (a, b) => Cv(a, b, 47, 6, OpticalFlowFlags.None));
        yield return ("Farnebäck win 31, 5 levels, 1 iteration", (a, b) => Cv(a, b, 31, 5, OpticalFlowFlags.None, iterations: 1));
        yield return ("Farnebäck ½ scale, win 15, 3 levels, 2 iterations", (a, b) => Cv(a, b, 15, 3, OpticalFlowFlags.None, scale: 2, iterations: 2));
        yield return ("Farnebäck ½ scale, win 15, 4 levels", (a, b) => Cv(a, b, 15, 4, OpticalFlowFlags.None, scale: 2));
        yield return ("PyrLK sparse-to-dense (grid 8)", (a, b) => SparseToDense(a, b, 8));
        yield return ("PyrLK sparse-to-dense (grid 8, no post-processing)", (a, b) => SparseToDense(a, b, 8, postProcess: false));
    }

    private static FlowField SparseToDense(PlanarImage a, PlanarImage b, int grid, bool postProcess = true)
    {
        using var ma = Luma(a);
        using var mb = Luma(b);
        using var flow = new Mat();
        OpenCvSharp.OptFlow.CvOptFlow.CalcOpticalFlowSparseToDense(ma, mb, flow, grid, 128, 0.05f, postProcess);
        return Unpack(flow, a.Width, a.Height);
    }

    private static FlowField Unpack(Mat flow, int w, int h)
    {
        var packed = new float[2 * w * h];
        System.Runtime.InteropServices.Marshal.Copy(flow.Data, packed, 0, packed.Length);
        var dx = new float[w * h];
        var dy = new float[w * h];
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] = packed[2 * i];
            dy[i] = packed[(2 * i) + 1];
        }

        return new FlowField(w, h, dx, dy);
    }

    /// <summary>source (80 px larger) sampled at x + 40 + offset(x).</summary>
    private static PlanarImage Warp(PlanarImage source, FlowField offset)
    {
        var shifted = new FlowField(offset.Width, offset.Height, offset.Dx.Select(d => d + 40).ToArray(), offset.Dy.Select(d => d + 40).ToArray());
        var padded = new PlanarImage(offset.Width, offset.Height, 3);
        // FlowField.Warp needs equal sizes: sample the larger source by hand (bilinear).
        for (var y = 0; y < offset.Height; y++)
        {
            for (var x = 0; x < offset.Width; x++)
            {
                var i = (y * offset.Width) + x;
                var sx = x + shifted.Dx[i];
                var sy = y + shifted.Dy[i];
                int x0 = (int)sx, y0 = (int)sy;
                float fx = sx - x0, fy = sy - y0;
                for (var c = 0; c < 3; c++)
                {
                    float At(int xx, int yy) => source.Row(c, Math.Clamp(yy, 0, source.Height - 1))[Math.Clamp(xx, 0, source.Width - 1)];
                    var top = At(x0, y0) + (fx * (At(x0 + 1, y0) - At(x0, y0)));
                    var bottom = At(x0, y0 + 1) + (fx * (At(x0 + 1, y0 + 1) - At(x0, y0 + 1)));
                    padded.Row(c, y)[x] = top + (fy * (bottom - top));
                }
            }
        }

        return padded;
    }

    private static FlowField Cv(PlanarImage a, PlanarImage b, int window, int levels, OpticalFlowFlags flags, int scale = 1, int iterations = 3)
    {
        using var fa = Luma(a);
        using var fb = Luma(b);
        using var ma = new Mat();
        using var mb = new Mat();
        var small = new Size(a.Width / scale, a.Height / scale);
        Cv2.Resize(fa, ma, small, 0, 0, InterpolationFlags.Area);
        Cv2.Resize(fb, mb, small, 0, 0, InterpolationFlags.Area);
        using var flow = new Mat();
        Cv2.CalcOpticalFlowFarneback(ma, mb, flow, 0.5, levels, window, iterations, 5, 1.2, flags);
        using var full = new Mat();
        Cv2.Resize(flow, full, new Size(a.Width, a.Height), 0, 0, InterpolationFlags.Linear);
        using var scaled = full * (double)scale;
        using var result = scaled.ToMat();
        return Unpack(result, a.Width, a.Height);
    }

    private static Mat Luma(PlanarImage image)
    {
        var n = image.PlaneLength;
        var bytes = new byte[n];
        for (var i = 0; i < n; i++)
        {
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(255f * ((0.299f * image.Data[i]) + (0.587f * image.Data[n + i]) + (0.114f * image.Data[(2 * n) + i]))), 0, 255);
        }

        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, mat.Data, n);
        return mat;
    }
}
