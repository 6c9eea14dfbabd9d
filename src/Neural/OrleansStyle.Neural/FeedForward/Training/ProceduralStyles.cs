using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>Kinds of mark <see cref="ProceduralStyles"/> paints.</summary>
public enum ProceduralStyleKind
{
    /// <summary>Pen or pencil hatching on paper: patches of parallel lines, sometimes crossed.</summary>
    Hatching,

    /// <summary>Long curved brush strokes along a smooth flow field, with bristle streaks.</summary>
    BrushStrokes,

    /// <summary>Dots whose density follows a smooth field.</summary>
    Stippling,

    /// <summary>Flat colour patches (Voronoi cells), sometimes outlined.</summary>
    Patches,

    /// <summary>Short thick dabs in random directions (impasto).</summary>
    Dabs,

    /// <summary>Thin wandering scribbled lines.</summary>
    Scribbles,
}

/// <summary>
/// Style images drawn by our own code, for training an AdaIN decoder on more kinds of mark than the few paintings
/// we may ship (domain randomisation): hatching, long brush strokes, stippling, flat patches, dabs and scribbles at
/// random scales and palettes. Everything is a function of the seed, so training runs stay reproducible.
/// </summary>
public static class ProceduralStyles
{
    private static readonly ProceduralStyleKind[] Kinds = Enum.GetValues<ProceduralStyleKind>();

    /// <summary>Image <paramref name="index"/> of the set for <paramref name="seed"/>: the kinds take turns.</summary>
    public static PlanarImage Generate(int seed, int index, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var kind = Kinds[index % Kinds.Length];
        return Generate(kind, Seeds.DeriveInt(seed, Seeds.ProceduralStyles, index), width, height);
    }

    /// <summary>An RGB image (values 0–1) of <paramref name="kind"/>, a function of <paramref name="seed"/> only.</summary>
    public static PlanarImage Generate(ProceduralStyleKind kind, int seed, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 8);
        var random = new Random(seed);
        var canvas = new Canvas(width, height);
        var palette = Palette.Create(random, monochrome: kind is ProceduralStyleKind.Hatching or ProceduralStyleKind.Scribbles && random.NextDouble() < 0.7);

        // Mark size relative to the image, so the same kind appears at several stroke scales.
        var scale = Math.Exp((random.NextDouble() * 2) - 1) * Math.Min(width, height) / 512.0;
        canvas.Fill(palette.Background, random, noise: 0.03f);
        switch (kind)
        {
            case ProceduralStyleKind.Hatching:
                Hatching(canvas, random, palette, scale);
                break;
            case ProceduralStyleKind.BrushStrokes:
                BrushStrokes(canvas, random, palette, scale);
                break;
            case ProceduralStyleKind.Stippling:
                Stippling(canvas, random, palette, scale);
                break;
            case ProceduralStyleKind.Patches:
                Patches(canvas, random, palette, scale);
                break;
            case ProceduralStyleKind.Dabs:
                Dabs(canvas, random, palette, scale);
                break;
            default:
                Scribbles(canvas, random, palette, scale);
                break;
        }

        return canvas.ToImage();
    }

    private static void Hatching(Canvas canvas, Random random, Palette palette, double scale)
    {
        var area = canvas.Width * canvas.Height;
        var patches = (int)(area / (800 * scale * scale) * (0.3 + random.NextDouble()));
        var baseAngle = random.NextDouble() * Math.PI;
        for (var p = 0; p < Math.Min(patches, 8000); p++)
        {
            var (cx, cy) = (random.NextDouble() * canvas.Width, random.NextDouble() * canvas.Height);
            var angle = baseAngle + ((random.NextDouble() - 0.5) * 1.2);
            var length = (10 + (random.NextDouble() * 60)) * scale;
            var spacing = (2 + (random.NextDouble() * 4)) * scale;
            var lines = 3 + random.Next(10);
            var radius = Math.Max(0.35, (0.4 + (random.NextDouble() * 0.8)) * scale);
            var color = palette.Ink(random);
            var opacity = 0.35f + (0.6f * (float)random.NextDouble());
            var passes = random.NextDouble() < 0.35 ? 2 : 1;
            for (var pass = 0; pass < passes; pass++)
            {
                var a = angle + (pass * (Math.PI / 2.5));
                var (dx, dy) = (Math.Cos(a), Math.Sin(a));
                for (var l = 0; l < lines; l++)
                {
                    var offset = (l - (lines / 2.0)) * spacing;
                    var (ox, oy) = (cx - (dy * offset), cy + (dx * offset));
                    var jitter = length * (0.8 + (0.4 * random.NextDouble()));
                    canvas.Line(ox - (dx * jitter / 2), oy - (dy * jitter / 2), ox + (dx * jitter / 2), oy + (dy * jitter / 2), radius, color, opacity);
                }
            }
        }
    }

    private static void BrushStrokes(Canvas canvas, Random random, Palette palette, double scale)
    {
        var field = new FlowField(random, canvas.Width, canvas.Height);
        var area = canvas.Width * canvas.Height;
        var width = (3 + (random.NextDouble() * 10)) * scale;
        var strokes = (int)(area / (width * width * 25) * (1 + random.NextDouble()));
        for (var s = 0; s < Math.Min(strokes, 4000); s++)
        {
            var (x, y) = (random.NextDouble() * canvas.Width, random.NextDouble() * canvas.Height);
            var length = (20 + (random.NextDouble() * 200)) * scale;
            var radius = Math.Max(0.5, width * (0.5 + random.NextDouble()) / 2);
            var path = new List<(double X, double Y)> { (x, y) };
            var step = Math.Max(1, radius / 2);
            var direction = random.NextDouble() < 0.5 ? 1 : -1;
            for (var travelled = 0.0; travelled < length; travelled += step)
            {
                var angle = field.Angle(x, y);
                (x, y) = (x + (direction * step * Math.Cos(angle)), y + (direction * step * Math.Sin(angle)));
                path.Add((x, y));
            }

            canvas.Stroke(path, radius, palette.Paint(random), 0.7f + (0.3f * (float)random.NextDouble()), random, bristles: 0.25f);
        }
    }

    private static void Stippling(Canvas canvas, Random random, Palette palette, double scale)
    {
        var field = new FlowField(random, canvas.Width, canvas.Height);
        var radius = Math.Max(0.5, (0.6 + (random.NextDouble() * 2.5)) * scale);
        var dots = (int)(canvas.Width * canvas.Height / (radius * radius * 12) * (0.5 + random.NextDouble()));
        for (var d = 0; d < Math.Min(dots, 200_000); d++)
        {
            var (x, y) = (random.NextDouble() * canvas.Width, random.NextDouble() * canvas.Height);
            var density = 0.5 + (0.5 * Math.Sin(field.Angle(x, y) * 2));
            if (random.NextDouble() > density)
            {
                continue;
            }

            canvas.Line(x, y, x, y, radius * (0.7 + (0.6 * random.NextDouble())), palette.Ink(random), 0.6f + (0.4f * (float)random.NextDouble()));
        }
    }

    private static void Patches(Canvas canvas, Random random, Palette palette, double scale)
    {
        var count = Math.Clamp((int)(canvas.Width * canvas.Height / (3000 * scale * scale) * (0.3 + random.NextDouble())), 8, 3000);
        var seeds = Enumerable.Range(0, count).Select(_ => (X: random.NextDouble() * canvas.Width, Y: random.NextDouble() * canvas.Height, Color: palette.Paint(random))).ToArray();
        var outline = random.NextDouble() < 0.5 ? Math.Max(0.8, (0.5 + (random.NextDouble() * 2)) * scale) : 0;
        var ink = palette.Ink(random);

        var grid = new SeedGrid(seeds.Select(s => (s.X, s.Y)).ToArray(), canvas.Width, canvas.Height);
        for (var y = 0; y < canvas.Height; y++)
        {
            for (var x = 0; x < canvas.Width; x++)
            {
                var (nearest, first, second) = grid.Nearest(x + 0.5, y + 0.5);
                var color = seeds[nearest].Color;
                canvas.Set(x, y, color, 1f);
                if (outline > 0)
                {
                    // Distance to the bisector between the two nearest seeds ≈ (d2 − d1) / 2.
                    var edge = (second - first) / 2;
                    var coverage = (float)Math.Clamp(outline + 0.5 - edge, 0, 1);
                    if (coverage > 0)
                    {
                        canvas.Set(x, y, ink, coverage);
                    }
                }
            }
        }
    }

    private static void Dabs(Canvas canvas, Random random, Palette palette, double scale)
    {
        var size = (4 + (random.NextDouble() * 12)) * scale;
        var count = (int)(canvas.Width * canvas.Height / (size * size * 3) * (0.7 + random.NextDouble()));
        var ordered = random.NextDouble() < 0.5;
        var baseAngle = random.NextDouble() * Math.PI;
        for (var d = 0; d < Math.Min(count, 20_000); d++)
        {
            var (x, y) = (random.NextDouble() * canvas.Width, random.NextDouble() * canvas.Height);
            var angle = ordered ? baseAngle + ((random.NextDouble() - 0.5) * 0.6) : random.NextDouble() * Math.PI;
            var length = size * (1 + (2 * random.NextDouble()));
            var (dx, dy) = (Math.Cos(angle) * length / 2, Math.Sin(angle) * length / 2);
            canvas.Stroke([(x - dx, y - dy), (x, y), (x + dx, y + dy)], Math.Max(0.5, size * (0.3 + (0.3 * random.NextDouble()))), palette.Paint(random), 0.9f, random, bristles: 0.35f);
        }
    }

    private static void Scribbles(Canvas canvas, Random random, Palette palette, double scale)
    {
        var lines = (int)(canvas.Width * canvas.Height / (2000 * scale * scale) * (0.5 + random.NextDouble()));
        for (var l = 0; l < Math.Min(lines, 6000); l++)
        {
            var (x, y) = (random.NextDouble() * canvas.Width, random.NextDouble() * canvas.Height);
            var angle = random.NextDouble() * 2 * Math.PI;
            var curl = (random.NextDouble() - 0.5) * 0.3;
            var path = new List<(double X, double Y)> { (x, y) };
            var steps = 20 + random.Next(130);
            var step = 2 * scale;
            for (var s = 0; s < steps; s++)
            {
                angle += curl + ((random.NextDouble() - 0.5) * 0.4);
                (x, y) = (x + (step * Math.Cos(angle)), y + (step * Math.Sin(angle)));
                path.Add((x, y));
            }

            canvas.Stroke(path, Math.Max(0.4, (0.4 + random.NextDouble()) * scale), palette.Ink(random), 0.4f + (0.5f * (float)random.NextDouble()), random, bristles: 0);
        }
    }

    /// <summary>Background, paint and ink colours around a random hue (monochrome: grey pencil on paper).</summary>
    private sealed class Palette
    {
        private readonly float[][] _paints;
        private readonly float[][] _inks;

        private Palette(float[] background, float[][] paints, float[][] inks) => (Background, _paints, _inks) = (background, paints, inks);

        public float[] Background { get; }

        public static Palette Create(Random random, bool monochrome)
        {
            if (monochrome)
            {
                var paper = 0.8f + (0.18f * (float)random.NextDouble());
                var tint = (float)(random.NextDouble() * 0.06);
                var lead = 0.05f + (0.35f * (float)random.NextDouble());
                return new Palette([paper, paper - (tint / 2), paper - tint], [[lead, lead, lead]], [[lead, lead, lead], [lead * 0.6f, lead * 0.6f, lead * 0.7f]]);
            }

            var hue = random.NextDouble();
            var spread = random.NextDouble() < 0.5 ? 0.08 : 0.5;
            var paints = Enumerable.Range(0, 3 + random.Next(5))
                .Select(_ => Hsv(hue + ((random.NextDouble() - 0.5) * 2 * spread), 0.2 + (0.8 * random.NextDouble()), 0.2 + (0.8 * random.NextDouble())))
                .ToArray();
            var background = random.NextDouble() < 0.5
                ? Hsv(hue + 0.5, 0.1 * random.NextDouble(), 0.75 + (0.25 * random.NextDouble()))
                : paints[0];
            var inks = new[] { Hsv(hue, 0.5 * random.NextDouble(), 0.05 + (0.3 * random.NextDouble())), paints[^1] };
            return new Palette(background, paints, inks);
        }

        public float[] Paint(Random random) => Jitter(_paints[random.Next(_paints.Length)], random, 0.06f);

        public float[] Ink(Random random) => Jitter(_inks[random.Next(_inks.Length)], random, 0.03f);

        private static float[] Jitter(float[] color, Random random, float amount) =>
            [.. color.Select(c => Math.Clamp(c + (amount * (float)((random.NextDouble() * 2) - 1)), 0f, 1f))];

        private static float[] Hsv(double hue, double saturation, double value)
        {
            hue = ((hue % 1) + 1) % 1 * 6;
            var sector = (int)hue;
            var f = hue - sector;
            var (p, q, t) = (value * (1 - saturation), value * (1 - (saturation * f)), value * (1 - (saturation * (1 - f))));
            var (r, g, b) = sector switch
            {
                0 => (value, t, p),
                1 => (q, value, p),
                2 => (p, value, t),
                3 => (p, q, value),
                4 => (t, p, value),
                _ => (value, p, q),
            };
            return [(float)r, (float)g, (float)b];
        }
    }

    /// <summary>A smooth angle field (a few random sinusoids) that strokes follow.</summary>
    private sealed class FlowField
    {
        private readonly (double Fx, double Fy, double Phase, double Amplitude)[] _waves;
        private readonly double _base;

        public FlowField(Random random, int width, int height)
        {
            var size = Math.Max(width, height);
            _base = random.NextDouble() * Math.PI * 2;
            _waves = [.. Enumerable.Range(0, 3).Select(_ => (
                (random.NextDouble() - 0.5) * 12 / size,
                (random.NextDouble() - 0.5) * 12 / size,
                random.NextDouble() * Math.PI * 2,
                random.NextDouble() * 1.5))];
        }

        public double Angle(double x, double y) => _base + _waves.Sum(w => w.Amplitude * Math.Sin((w.Fx * x * Math.PI * 2) + (w.Fy * y * Math.PI * 2) + w.Phase));
    }

    /// <summary>Nearest and second-nearest seed distances through a uniform bucket grid.</summary>
    private sealed class SeedGrid
    {
        private readonly (double X, double Y)[] _seeds;
        private readonly List<int>[] _cells;
        private readonly double _cell;
        private readonly int _columns;
        private readonly int _rows;

        public SeedGrid((double X, double Y)[] seeds, int width, int height)
        {
            _seeds = seeds;
            _cell = Math.Max(4, Math.Sqrt((double)width * height / seeds.Length));
            _columns = (int)Math.Ceiling(width / _cell);
            _rows = (int)Math.Ceiling(height / _cell);
            _cells = [.. Enumerable.Range(0, _columns * _rows).Select(_ => new List<int>())];
            for (var i = 0; i < seeds.Length; i++)
            {
                _cells[Index(seeds[i].X, seeds[i].Y)].Add(i);
            }
        }

        public (int Nearest, double First, double Second) Nearest(double x, double y)
        {
            var (cx, cy) = ((int)(x / _cell), (int)(y / _cell));
            for (var ring = 1; ; ring++)
            {
                var (best, first, second) = (-1, double.MaxValue, double.MaxValue);
                for (var gy = Math.Max(0, cy - ring); gy <= Math.Min(_rows - 1, cy + ring); gy++)
                {
                    for (var gx = Math.Max(0, cx - ring); gx <= Math.Min(_columns - 1, cx + ring); gx++)
                    {
                        foreach (var i in _cells[(gy * _columns) + gx])
                        {
                            var d = Math.Sqrt(Math.Pow(_seeds[i].X - x, 2) + Math.Pow(_seeds[i].Y - y, 2));
                            if (d < first)
                            {
                                (second, first, best) = (first, d, i);
                            }
                            else if (d < second)
                            {
                                second = d;
                            }
                        }
                    }
                }

                // Exact once the searched rings cover the second distance (or the whole grid).
                var covered = ring * _cell;
                if ((best >= 0 && second <= covered) || ring > Math.Max(_columns, _rows))
                {
                    return (best, first, second == double.MaxValue ? first + 1000 : second);
                }
            }
        }

        private int Index(double x, double y) =>
            (Math.Clamp((int)(y / _cell), 0, _rows - 1) * _columns) + Math.Clamp((int)(x / _cell), 0, _columns - 1);
    }

    /// <summary>An RGB canvas with anti-aliased round-capped strokes, each blended once (its own overlaps do not darken).</summary>
    private sealed class Canvas
    {
        private readonly float[] _rgb;
        private readonly float[] _coverage;
        private readonly float[] _shade;
        private readonly List<int> _touched = [];

        public Canvas(int width, int height)
        {
            (Width, Height) = (width, height);
            _rgb = new float[3 * width * height];
            _coverage = new float[width * height];
            _shade = new float[width * height];
        }

        public int Width { get; }

        public int Height { get; }

        public void Fill(float[] color, Random random, float noise)
        {
            var plane = Width * Height;
            for (var i = 0; i < plane; i++)
            {
                var n = noise * (float)((random.NextDouble() * 2) - 1);
                for (var c = 0; c < 3; c++)
                {
                    _rgb[(c * plane) + i] = Math.Clamp(color[c] + n, 0f, 1f);
                }
            }
        }

        public void Set(int x, int y, float[] color, float opacity)
        {
            var plane = Width * Height;
            var i = (y * Width) + x;
            for (var c = 0; c < 3; c++)
            {
                ref var value = ref _rgb[(c * plane) + i];
                value += (color[c] - value) * opacity;
            }
        }

        public void Line(double x0, double y0, double x1, double y1, double radius, float[] color, float opacity)
        {
            Segment(x0, y0, x1, y1, radius, null);
            Blend(color, opacity);
        }

        /// <summary>A polyline with bristle streaks: brightness varies across the stroke by up to ±<paramref name="bristles"/>.</summary>
        public void Stroke(IReadOnlyList<(double X, double Y)> path, double radius, float[] color, float opacity, Random random, float bristles)
        {
            var profile = bristles > 0 ? Enumerable.Range(0, 16).Select(_ => bristles * (float)((random.NextDouble() * 2) - 1)).ToArray() : null;
            for (var i = 0; i + 1 < path.Count; i++)
            {
                Segment(path[i].X, path[i].Y, path[i + 1].X, path[i + 1].Y, radius, profile);
            }

            if (path.Count == 1)
            {
                Segment(path[0].X, path[0].Y, path[0].X, path[0].Y, radius, profile);
            }

            Blend(color, opacity);
        }

        public PlanarImage ToImage() => new(Width, Height, 3, (float[])_rgb.Clone());

        private void Segment(double x0, double y0, double x1, double y1, double radius, float[]? profile)
        {
            var (dx, dy) = (x1 - x0, y1 - y0);
            var lengthSquared = (dx * dx) + (dy * dy);
            var reach = radius + 1;
            var (left, right) = ((int)Math.Max(0, Math.Floor(Math.Min(x0, x1) - reach)), (int)Math.Min(Width - 1, Math.Ceiling(Math.Max(x0, x1) + reach)));
            var (top, bottom) = ((int)Math.Max(0, Math.Floor(Math.Min(y0, y1) - reach)), (int)Math.Min(Height - 1, Math.Ceiling(Math.Max(y0, y1) + reach)));
            var length = Math.Sqrt(lengthSquared);
            for (var y = top; y <= bottom; y++)
            {
                for (var x = left; x <= right; x++)
                {
                    var (px, py) = (x + 0.5 - x0, y + 0.5 - y0);
                    var t = lengthSquared > 0 ? Math.Clamp(((px * dx) + (py * dy)) / lengthSquared, 0, 1) : 0;
                    var (ex, ey) = (px - (t * dx), py - (t * dy));
                    var distance = Math.Sqrt((ex * ex) + (ey * ey));
                    var coverage = (float)Math.Clamp(radius + 0.5 - distance, 0, 1);
                    var p = (y * Width) + x;
                    if (coverage <= _coverage[p])
                    {
                        continue;
                    }

                    if (_coverage[p] == 0)
                    {
                        _touched.Add(p);
                    }

                    _coverage[p] = coverage;
                    if (profile is not null)
                    {
                        // Signed offset across the stroke picks the bristle.
                        var across = length > 0 ? ((px * -dy) + (py * dx)) / length : ex;
                        var slot = (int)Math.Clamp((across / (2 * radius) + 0.5) * profile.Length, 0, profile.Length - 1);
                        _shade[p] = profile[slot];
                    }
                }
            }
        }

        private void Blend(float[] color, float opacity)
        {
            var plane = Width * Height;
            foreach (var p in _touched)
            {
                var alpha = _coverage[p] * opacity;
                var shade = 1 + _shade[p];
                for (var c = 0; c < 3; c++)
                {
                    ref var value = ref _rgb[(c * plane) + p];
                    value += (Math.Clamp(color[c] * shade, 0f, 1f) - value) * alpha;
                }

                _coverage[p] = 0;
                _shade[p] = 0;
            }

            _touched.Clear();
        }
    }
}
