package reluflow.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the job's settings from a YAML file (nested or dotted keys, like Flink's config.yaml) and
 * from `--key value` arguments, which win over the file.
 */
public final class ConfigLoader {
    public static final String CONFIG_FILE_ARG = "--config";

    private ConfigLoader() {
    }

    public static JobConfig fromArgs(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> fromArgs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidConfigException("Expected --key value arguments, got '" + arg + "'");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new InvalidConfigException("Option '" + key + "' needs a value");
            }
            if (CONFIG_FILE_ARG.equals("--" + key)) {
                values.putAll(readYaml(Path.of(value)));
            } else {
                fromArgs.put(key, value);
            }
        }
        values.putAll(fromArgs);
        return JobConfig.of(values);
    }

    public static Map<String, String> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("Config file " + file.toAbsolutePath() + " does not exist");
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            Map<String, String> flat = new LinkedHashMap<>();
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new InvalidConfigException("Config file " + file + " must hold a map of settings");
                }
                flatten("", root, flat);
            }
            return flat;
        } catch (IOException e) {
            throw new InvalidConfigException("Config file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (node.isArray()) {
            StringBuilder joined = new StringBuilder();
            node.forEach(item -> joined.append(joined.length() == 0 ? "" : ",").append(item.asText()));
            out.put(prefix, joined.toString());
        } else {
            out.put(prefix, node.asText());
        }
    }
}
