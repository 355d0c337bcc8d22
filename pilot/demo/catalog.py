"""What the demo world is made of: ingredients, proteins, dishes, names and places.

Everything here is plain data. The diet labels the demo writes come from the product's
ingredient table (``pilot/data/ingredients.csv``) for every ingredient it knows, so they agree
with what the import derives; ``INGREDIENT_BREAKS`` is the demo's own classification, used
for the ingredients that table does not (yet) know. ``table_additions()`` lists those as rows
ready to append to the table.
"""

from pilot.models.catalog import DIET_LABELS

V, VG, GF, DF, NF, H, NP = DIET_LABELS

_PORK = {V, VG, H, NP}
_MEAT = {V, VG, H}  # meat is not assumed halal (as in pilot/data/ingredients.csv)
_FISH = {V, VG}
_DAIRY = {VG, DF}
_ANIMAL = {VG}
_GLUTEN = {GF}
_NUT = {NF}
_ALCOHOL = {H}


def _group(breaks, names):
    return {name: frozenset(breaks) for name in names.split(",")}


#: ingredient -> diet labels it breaks (ingredients not listed break none).
INGREDIENT_BREAKS: dict[str, frozenset[str]] = {
    **_group(
        _PORK,
        "bacon,pancetta,chorizo,ham,pork shoulder,pork belly,pork mince,pork sausages,"
        "prosciutto,gammon,pork ribs,pork chops,cocktail sausages,streaky bacon",
    ),
    **_group(
        _MEAT,
        "chicken thighs,chicken breast,whole chicken,chicken wings,beef mince,braising steak,"
        "sirloin steak,beef brisket,beef fillet,lamb shoulder,lamb mince,leg of lamb,"
        "lamb chops,duck breast,turkey crown,turkey mince,chicken stock,beef stock,"
        "beef short ribs,venison,lamb stock",
    ),
    **_group(
        _FISH,
        "salmon fillets,cod fillets,haddock,king prawns,tuna steaks,mussels,squid,"
        "smoked salmon,anchovies,fish sauce,worcestershire sauce,sea bass fillets,"
        "mackerel fillets,crab meat,white fish fillets,oyster sauce,kimchi",
    ),
    **_group(
        _DAIRY,
        "butter,milk,double cream,single cream,soured cream,creme fraiche,cheddar,parmesan,"
        "mozzarella,feta,halloumi,paneer,ricotta,mascarpone,greek yoghurt,natural yoghurt,"
        "gruyere,goat's cheese,cream cheese,ghee,buttermilk,condensed milk,white chocolate,"
        "milk chocolate,american cheese,mini chocolate eggs",
    ),
    **_group(_ANIMAL, "eggs,honey,mayonnaise,egg noodles,meringue nests"),
    **_group({V, VG, H}, "marshmallows,gelatine"),
    **_group(
        _GLUTEN,
        "plain flour,self-raising flour,strong white flour,spaghetti,penne,linguine,"
        "tagliatelle,lasagne sheets,orzo,breadcrumbs,panko breadcrumbs,soy sauce,"
        "couscous,bulgur wheat,pearl barley,tortillas,pitta bread,naan bread,burger buns,"
        "ciabatta,sourdough bread,udon noodles,puff pastry,shortcrust pastry,filo pastry,"
        "gnocchi,hoisin sauce,digestive biscuits,ramen noodles,beer,stout,gochujang,"
        "katsu curry sauce,brioche buns,baguette,macaroni,savoiardi biscuits,gyoza wrappers,"
        "shredded wheat,crispy fried onions,cornbread,doubanjiang,buckwheat soba noodles",
    ),
    **_group(
        _NUT,
        "almonds,ground almonds,cashews,walnuts,peanuts,peanut butter,pine nuts,pecans,"
        "hazelnuts,pistachios,chestnuts,marzipan,flaked almonds",
    ),
    **_group(_ALCOHOL, "red wine,white wine,brandy,rum,marsala,mirin,sherry,port"),
}
# Ingredients that break several groups at once.
for _name, _extra in {
    "egg noodles": _GLUTEN,
    "beer": _ALCOHOL,
    "stout": _ALCOHOL,
    "mirin": set(),
    "white chocolate": set(),
    "milk chocolate": set(),
    "shortcrust pastry": _DAIRY,
    "puff pastry": _DAIRY,
    "digestive biscuits": _DAIRY,
    "naan bread": _DAIRY,
    "mayonnaise": set(),
    "brioche buns": _DAIRY,
    "savoiardi biscuits": _ANIMAL,
    "cornbread": _DAIRY,
    "parmesan": {V},  # made with animal rennet
    "gruyere": {V},
}.items():
    INGREDIENT_BREAKS[_name] = INGREDIENT_BREAKS[_name] | frozenset(_extra)

#: Cuisines: tag value -> how it reads in a description, and how many people like it.
CUISINES = {
    "italian": ("Italian", 16),
    "indian": ("Indian", 14),
    "british": ("British", 12),
    "thai": ("Thai", 9),
    "chinese": ("Chinese", 9),
    "mexican": ("Mexican", 9),
    "french": ("French", 6),
    "middle_eastern": ("Middle Eastern", 6),
    "japanese": ("Japanese", 6),
    "greek": ("Greek", 5),
    "spanish": ("Spanish", 5),
    "american": ("American", 6),
    "korean": ("Korean", 4),
    "moroccan": ("Moroccan", 4),
    "vietnamese": ("Vietnamese", 3),
}

#: Protein options a dish can be made with: name in the title -> ingredients it brings.
#: ``animal`` says whether the dish's animal-only extras (fish sauce, stock) go with it.
PROTEINS = {
    "chicken": (["chicken thighs"], True),
    "chicken breast": (["chicken breast"], True),
    "beef": (["braising steak"], True),
    "steak": (["sirloin steak"], True),
    "beef mince": (["beef mince"], True),
    "lamb": (["lamb shoulder"], True),
    "lamb mince": (["lamb mince"], True),
    "pork": (["pork shoulder"], True),
    "pork belly": (["pork belly"], True),
    "chorizo": (["chorizo"], True),
    "sausages": (["pork sausages"], True),
    "duck": (["duck breast"], True),
    "turkey": (["turkey mince"], True),
    "prawns": (["prawns"], True),
    "salmon": (["salmon"], True),
    "cod": (["cod"], True),
    "sea bass": (["sea bass fillets"], True),
    "mackerel": (["mackerel"], True),
    "tofu": (["tofu"], False),
    "halloumi": (["halloumi"], False),
    "paneer": (["paneer"], False),
    "chickpeas": (["chickpeas"], False),
    "mushrooms": (["chestnut mushrooms"], False),
    "lentils": (["red lentils"], False),
    "sweet potato": (["sweet potatoes"], False),
    "aubergine": (["aubergines"], False),
    "cauliflower": (["cauliflower"], False),
    "black beans": (["black beans"], False),
    "butternut squash": (["butternut squash"], False),
    "spinach": (["spinach"], False),
    "vegetables": (["courgettes", "peppers"], False),
    # Spellings used in titles ("Prawn tikka masala", "Aloo saag"...).
    "prawn": (["prawns"], True),
    "fish": (["white fish fillets"], True),
    "crab": (["crab"], True),
    "chickpea": (["chickpeas"], False),
    "vegetable": (["courgettes", "peppers", "cauliflower"], False),
    "aloo": (["potatoes"], False),
    "courgette": (["courgettes"], False),
    "pea and mint": (["peas", "mint"], False),
    "mushroom": (["chestnut mushrooms"], False),
    "green beans": (["green beans"], False),
    "cherry tomatoes": (["cherry tomatoes"], False),
    "black bean": (["black beans"], False),
    "chickpea and squash": (["chickpeas", "butternut squash"], False),
}

# A dish: title template ("{p}" is the protein), cuisine, course, minutes, base ingredients,
# proteins (None: a fixed recipe), extras only with animal proteins, extras otherwise,
# season, holiday.  Compact tuples keep the table readable as a list of recipes.
_ANIMAL_STOCK = ["chicken stock"]
_VEG_STOCK = ["vegetable stock"]


def dish(
    title,
    cuisine,
    course,
    minutes,
    base,
    proteins=None,
    animal=(),
    plant=(),
    season=None,
    holiday=None,
):
    return {
        "title": title,
        "cuisine": cuisine,
        "course": course,
        "minutes": minutes,
        "base": base.split(",") if isinstance(base, str) else list(base),
        "proteins": proteins.split(",") if isinstance(proteins, str) else proteins,
        "animal": list(animal),
        "plant": list(plant),
        "season": season,
        "holiday": holiday,
    }


# fmt: off
DISHES = [
    # Thai
    dish("Thai green curry with {p}", "thai", "main", 35,
         "green curry paste,coconut milk,jasmine rice,green beans,lime,thai basil",
         "chicken,prawns,tofu,butternut squash", ["fish sauce"], ["soy sauce"]),
    dish("Thai red curry with {p}", "thai", "main", 35,
         "red curry paste,coconut milk,jasmine rice,red peppers,lime,coriander",
         "duck,chicken,prawns,sweet potato", ["fish sauce"], ["soy sauce"]),
    dish("Pad thai with {p}", "thai", "main", 25,
         "rice noodles,beansprouts,spring onions,peanuts,lime,tamarind paste,eggs",
         "chicken,prawns,tofu", ["fish sauce"], ["soy sauce"]),
    dish("Massaman {p} curry", "thai", "main", 150,
         "massaman curry paste,coconut milk,potatoes,onions,peanuts,jasmine rice",
         "beef,chicken,sweet potato", ["fish sauce"], ["soy sauce"], season="winter"),
    dish("Tom yum soup with {p}", "thai", "starter", 25,
         "lemongrass,galangal,kaffir lime leaves,mushrooms,cherry tomatoes,lime,red chillies",
         "prawns,tofu", ["fish sauce", "chicken stock"], _VEG_STOCK),
    dish("Thai basil stir-fry with {p}", "thai", "main", 20,
         "thai basil,garlic,red chillies,green beans,jasmine rice,soy sauce",
         "chicken,pork,tofu", ["fish sauce"]),
    dish("Thai fishcakes with sweet chilli dip", "thai", "starter", 30,
         "white fish fillets,red curry paste,green beans,eggs,sweet chilli sauce,lime,cucumber"),
    # Indian
    dish("{p} tikka masala", "indian", "main", 45,
         "onions,garlic,ginger,tikka masala paste,chopped tomatoes,double cream,basmati rice",
         "Chicken,Paneer,Prawn"),
    dish("{p} korma", "indian", "main", 40,
         "onions,garlic,ginger,korma paste,coconut milk,ground almonds,basmati rice",
         "Chicken,Lamb,Vegetable"),
    dish("{p} madras", "indian", "main", 50,
         "onions,garlic,ginger,madras curry paste,chopped tomatoes,basmati rice,coriander",
         "Beef,Lamb,Chickpea"),
    dish("Lamb rogan josh", "indian", "main", 120,
         "lamb shoulder,onions,garlic,ginger,rogan josh paste,yogurt,basmati rice",
         season="winter"),
    dish("Chana masala", "indian", "main", 35,
         "chickpeas,onions,garlic,ginger,garam masala,chopped tomatoes,coriander,basmati rice"),
    dish("Tarka dal", "indian", "main", 40,
         "red lentils,onions,garlic,cumin seeds,turmeric,chopped tomatoes,ghee,basmati rice"),
    dish("Aloo gobi", "indian", "side", 35,
         "potatoes,cauliflower,onions,garlic,ginger,turmeric,cumin seeds,coriander"),
    dish("Saag {p}", "indian", "main", 30,
         "spinach,onions,garlic,ginger,garam masala,naan bread",
         "paneer,aloo,chicken"),
    dish("{p} biryani", "indian", "main", 70,
         "basmati rice,onions,biryani paste,yogurt,saffron,coriander,flaked almonds",
         "Chicken,Lamb,Vegetable"),
    dish("Onion bhajis with mint raita", "indian", "starter", 30,
         "onions,gram flour,cumin seeds,vegetable oil,yogurt,mint,cucumber"),
    dish("Butter chicken", "indian", "main", 50,
         "chicken thighs,butter,double cream,garam masala,chopped tomatoes,ginger,basmati rice"),
    dish("Keralan {p} curry", "indian", "main", 40,
         "coconut milk,curry leaves,mustard seeds,onions,ginger,turmeric,basmati rice",
         "fish,prawn,sweet potato"),
    # Italian
    dish("Spaghetti carbonara", "italian", "main", 20,
         "spaghetti,pancetta,eggs,parmesan,black pepper,garlic"),
    dish("Spaghetti bolognese", "italian", "main", 60,
         "spaghetti,beef mince,onions,carrots,celery,chopped tomatoes,red wine,parmesan"),
    dish("Penne arrabbiata", "italian", "main", 25,
         "penne,chopped tomatoes,garlic,red chillies,olive oil,basil"),
    dish("{p} risotto", "italian", "main", 40,
         "arborio rice,onions,white wine,parmesan,butter",
         "Mushroom,Butternut squash,Pea and mint,Prawn", _ANIMAL_STOCK, _VEG_STOCK),
    dish("Classic beef lasagne", "italian", "main", 90,
         "lasagne sheets,beef mince,onions,chopped tomatoes,milk,butter,plain flour,parmesan"),
    dish("Spinach and ricotta lasagne", "italian", "main", 75,
         "lasagne sheets,spinach,ricotta,passata,garlic,mozzarella,nutmeg"),
    dish("Margherita pizza", "italian", "main", 40,
         "strong white flour,yeast,passata,mozzarella,basil,olive oil"),
    dish("Chicken cacciatore", "italian", "main", 60,
         "chicken thighs,onions,peppers,chopped tomatoes,olives,rosemary,red wine"),
    dish("Linguine with {p}, garlic and chilli", "italian", "main", 20,
         "linguine,garlic,red chillies,olive oil,parsley,lemon",
         "prawns,crab,courgette"),
    dish("Gnocchi with sage butter and {p}", "italian", "main", 25,
         "gnocchi,butter,sage,parmesan",
         "butternut squash,mushrooms,spinach"),
    dish("Minestrone soup", "italian", "starter", 45,
         "onions,carrots,celery,cannellini beans,chopped tomatoes,orzo,vegetable stock,basil",
         season="autumn"),
    dish("Tiramisu", "italian", "dessert", 30,
         "mascarpone,eggs,sugar,savoiardi biscuits,espresso,cocoa powder,marsala"),
    dish("Pesto pasta with {p}", "italian", "main", 20,
         "penne,basil,pine nuts,parmesan,olive oil,garlic",
         "chicken,green beans,cherry tomatoes"),
    dish("Aubergine parmigiana", "italian", "main", 80,
         "aubergines,passata,mozzarella,parmesan,basil,garlic,olive oil"),
    dish("Panzanella salad", "italian", "side", 20,
         "ciabatta,tomatoes,cucumber,red onions,basil,olive oil,red wine vinegar",
         season="summer"),
    # British
    dish("Slow-cooker beef stew with dumplings", "british", "main", 300,
         "braising steak,carrots,onions,celery,beef stock,self-raising flour,vegetable suet,thyme",
         season="winter"),
    dish("Shepherd's pie", "british", "main", 90,
         "lamb mince,onions,carrots,lamb stock,potatoes,butter,milk,worcestershire sauce",
         season="winter"),
    dish("Cottage pie", "british", "main", 90,
         "beef mince,onions,carrots,beef stock,potatoes,butter,milk,cheddar"),
    dish("Lentil shepherd's pie", "british", "main", 75,
         "green lentils,onions,carrots,vegetable stock,potatoes,olive oil,thyme",
         season="winter"),
    dish("Fish and chips with mushy peas", "british", "main", 50,
         "cod,plain flour,beer,potatoes,marrowfat peas,vegetable oil,lemon"),
    dish("Toad in the hole", "british", "main", 55,
         "pork sausages,plain flour,eggs,milk,onions,beef stock"),
    dish("Sunday roast chicken with all the trimmings", "british", "main", 120,
         "whole chicken,potatoes,carrots,parsnips,plain flour,chicken stock,thyme,lemon"),
    dish("Roast beef with Yorkshire puddings", "british", "main", 150,
         "beef brisket,plain flour,eggs,milk,potatoes,beef stock,horseradish"),
    dish("Steak and ale pie", "british", "main", 180,
         "braising steak,stout,onions,mushrooms,beef stock,puff pastry,thyme",
         season="winter"),
    dish("Leek and potato soup", "british", "starter", 40,
         "leeks,potatoes,onions,vegetable stock,single cream,chives",
         season="winter"),
    dish("Cauliflower cheese", "british", "side", 45,
         "cauliflower,butter,plain flour,milk,cheddar,mustard",
         season="winter"),
    dish("Full English breakfast", "british", "breakfast", 30,
         "pork sausages,bacon,eggs,mushrooms,tomatoes,baked beans,sourdough bread"),
    dish("Sticky toffee pudding", "british", "dessert", 60,
         "dates,self-raising flour,butter,dark muscovado sugar,eggs,double cream",
         season="winter"),
    dish("Apple and blackberry crumble", "british", "dessert", 50,
         "bramley apples,blackberries,plain flour,butter,demerara sugar,cinnamon",
         season="autumn"),
    dish("Victoria sponge", "british", "baking", 50,
         "self-raising flour,butter,caster sugar,eggs,raspberry jam,double cream"),
    dish("Scotch broth", "british", "starter", 120,
         "lamb shoulder,pearl barley,carrots,swede,leeks,onions,parsley",
         season="winter"),
    dish("Bubble and squeak with a fried egg", "british", "breakfast", 25,
         "potatoes,savoy cabbage,onions,butter,eggs"),
    dish("Eton mess", "british", "dessert", 15,
         "strawberries,meringue nests,double cream,vanilla extract",
         season="summer"),
    dish("Asparagus with poached eggs", "british", "starter", 15,
         "asparagus,eggs,butter,lemon,black pepper",
         season="spring"),
    # Chinese
    dish("Sweet and sour {p}", "chinese", "main", 30,
         "pineapple,peppers,onions,rice vinegar,tomato ketchup,cornflour,jasmine rice",
         "chicken,pork,tofu,prawns"),
    dish("Kung pao {p}", "chinese", "main", 25,
         "sichuan peppercorns,dried chillies,peanuts,spring onions,soy sauce,rice vinegar",
         "chicken,prawns,tofu"),
    dish("Beef and broccoli stir-fry", "chinese", "main", 20,
         "sirloin steak,broccoli,oyster sauce,soy sauce,garlic,ginger,jasmine rice"),
    dish("Egg fried rice with {p}", "chinese", "main", 15,
         "long-grain rice,eggs,peas,spring onions,soy sauce,sesame oil",
         "prawns,chicken,tofu"),
    dish("Char siu pork with pak choi", "chinese", "main", 60,
         "pork shoulder,hoisin sauce,honey,five-spice,pak choi,jasmine rice"),
    dish("Mapo tofu", "chinese", "main", 25,
         "tofu,pork mince,doubanjiang,sichuan peppercorns,spring onions,jasmine rice"),
    dish("Chow mein with {p}", "chinese", "main", 20,
         "egg noodles,beansprouts,pak choi,spring onions,soy sauce,oyster sauce",
         "chicken,prawns,vegetables"),
    dish("Crispy chilli {p}", "chinese", "main", 30,
         "cornflour,peppers,spring onions,sweet chilli sauce,soy sauce,rice vinegar",
         "beef,tofu,cauliflower"),
    dish("Hot and sour soup", "chinese", "starter", 25,
         "mushrooms,bamboo shoots,tofu,rice vinegar,soy sauce,white pepper,eggs",
         animal=["chicken stock"]),
    # Japanese
    dish("Chicken katsu curry", "japanese", "main", 45,
         "chicken breast,panko breadcrumbs,eggs,plain flour,katsu curry sauce,jasmine rice"),
    dish("{p} teriyaki with rice", "japanese", "main", 25,
         "soy sauce,mirin,honey,ginger,sushi rice,sesame seeds",
         "Salmon,Chicken,Tofu"),
    dish("Miso ramen with {p}", "japanese", "main", 40,
         "ramen noodles,white miso paste,spring onions,pak choi,eggs,nori",
         "pork belly,chicken,mushrooms", _ANIMAL_STOCK, _VEG_STOCK, season="winter"),
    dish("Vegetable gyoza", "japanese", "starter", 50,
         "gyoza wrappers,savoy cabbage,shiitake mushrooms,ginger,spring onions,soy sauce"),
    dish("Salmon poke bowl", "japanese", "main", 20,
         "salmon,sushi rice,edamame beans,avocado,cucumber,soy sauce,sesame seeds",
         season="summer"),
    dish("Okonomiyaki pancakes", "japanese", "main", 30,
         "plain flour,eggs,savoy cabbage,spring onions,worcestershire sauce,mayonnaise"),
    dish("Yaki udon with {p}", "japanese", "main", 20,
         "udon noodles,soy sauce,mirin,mushrooms,spring onions,pak choi",
         "chicken,prawns,tofu"),
    # Mexican
    dish("{p} tacos with pico de gallo", "mexican", "main", 30,
         "corn tortillas,tomatoes,red onions,coriander,lime,jalapenos",
         "Chicken,Fish,Pork,Black bean,Halloumi"),
    dish("{p} burritos", "mexican", "main", 35,
         "tortillas,long-grain rice,black beans,peppers,sour cream,cheddar,salsa",
         "Chicken,Beef,Sweet potato"),
    dish("Chilli con carne", "mexican", "main", 90,
         "beef mince,kidney beans,chopped tomatoes,onions,peppers,cumin,chipotle paste,"         "long-grain rice",
         season="winter"),
    dish("Three-bean chilli", "mexican", "main", 50,
         "kidney beans,black beans,pinto beans,chopped tomatoes,onions,peppers,cumin,"         "long-grain rice",
         season="winter"),
    dish("{p} enchiladas", "mexican", "main", 50,
         "tortillas,enchilada sauce,onions,peppers,cheddar,sour cream",
         "Chicken,Black bean,Butternut squash"),
    dish("{p} fajitas", "mexican", "main", 25,
         "tortillas,peppers,red onions,fajita seasoning,lime,guacamole",
         "Chicken,Steak,Halloumi,Mushroom"),
    dish("Huevos rancheros", "mexican", "breakfast", 25,
         "eggs,corn tortillas,black beans,chopped tomatoes,jalapenos,avocado,coriander"),
    dish("Guacamole with tortilla chips", "mexican", "starter", 10,
         "avocado,lime,red onions,coriander,tomatoes,tortilla chips",
         season="summer"),
    # French
    dish("Coq au vin", "french", "main", 150,
         "chicken thighs,red wine,bacon,mushrooms,shallots,thyme,chicken stock",
         season="autumn"),
    dish("Beef bourguignon", "french", "main", 210,
         "braising steak,red wine,pancetta,mushrooms,shallots,carrots,beef stock",
         season="winter"),
    dish("French onion soup", "french", "starter", 75,
         "onions,butter,beef stock,white wine,sourdough bread,gruyere",
         season="winter"),
    dish("Ratatouille", "french", "main", 60,
         "aubergines,courgettes,peppers,tomatoes,onions,garlic,thyme,olive oil",
         season="summer"),
    dish("Quiche lorraine", "french", "main", 70,
         "shortcrust pastry,bacon,eggs,double cream,gruyere,nutmeg"),
    dish("Mushroom and gruyere crepes", "french", "main", 35,
         "plain flour,eggs,milk,mushrooms,gruyere,butter,thyme"),
    dish("Salmon en papillote with fennel", "french", "main", 30,
         "salmon,fennel,lemon,white wine,dill,new potatoes"),
    dish("Tarte tatin", "french", "dessert", 60,
         "puff pastry,apples,caster sugar,butter,vanilla extract",
         season="autumn"),
    dish("Chocolate mousse", "french", "dessert", 20,
         "dark chocolate,eggs,caster sugar,double cream"),
    # Middle Eastern
    dish("Falafel wraps with tahini", "middle_eastern", "main", 40,
         "chickpeas,parsley,coriander,cumin,pitta,tahini,lemon,tomatoes"),
    dish("Shakshuka", "middle_eastern", "breakfast", 30,
         "eggs,chopped tomatoes,peppers,onions,cumin,paprika,coriander,feta"),
    dish("{p} shawarma with flatbreads", "middle_eastern", "main", 40,
         "pitta,garlic,cumin,paprika,yogurt,red onions,lettuce",
         "Chicken,Lamb,Cauliflower"),
    dish("Hummus with spiced lamb", "middle_eastern", "starter", 25,
         "chickpeas,tahini,lemon,garlic,lamb mince,pine nuts,pitta"),
    dish("Tabbouleh", "middle_eastern", "side", 20,
         "bulgur wheat,parsley,mint,tomatoes,cucumber,lemon,olive oil",
         season="summer"),
    dish("Fattoush salad", "middle_eastern", "side", 20,
         "pitta,cucumber,tomatoes,radishes,sumac,mint,pomegranate",
         season="summer"),
    dish("Lamb kofta with herby bulgur", "middle_eastern", "main", 35,
         "lamb mince,onions,cumin,coriander,bulgur wheat,yogurt,mint"),
    dish("Baklava", "middle_eastern", "dessert", 75,
         "filo pastry,walnuts,pistachios,butter,honey,cinnamon"),
    # Greek
    dish("Moussaka", "greek", "main", 120,
         "lamb mince,aubergines,onions,chopped tomatoes,milk,butter,plain flour,parmesan"),
    dish("Greek salad", "greek", "side", 15,
         "tomatoes,cucumber,red onions,feta,kalamata olives,oregano,olive oil",
         season="summer"),
    dish("Spanakopita", "greek", "main", 60,
         "filo pastry,spinach,feta,eggs,spring onions,dill,butter"),
    dish("{p} souvlaki with tzatziki", "greek", "main", 35,
         "pitta,greek yogurt,cucumber,garlic,lemon,oregano",
         "Chicken,Pork,Halloumi"),
    dish("Gigantes plaki", "greek", "main", 60,
         "butter beans,chopped tomatoes,onions,garlic,dill,olive oil"),
    dish("Lemon and oregano roast {p}", "greek", "main", 70,
         "potatoes,lemon,oregano,garlic,olive oil",
         "chicken,lamb,cauliflower"),
    # Spanish
    dish("Seafood paella", "spanish", "main", 50,
         "paella rice,prawns,mussels,squid,saffron,peppers,chicken stock,peas"),
    dish("Vegetable paella", "spanish", "main", 45,
         "paella rice,peppers,artichokes,green beans,saffron,vegetable stock,peas"),
    dish("Patatas bravas", "spanish", "starter", 40,
         "potatoes,smoked paprika,chopped tomatoes,garlic,mayonnaise,olive oil"),
    dish("Spanish tortilla", "spanish", "main", 40,
         "potatoes,eggs,onions,olive oil"),
    dish("Chorizo and chickpea stew", "spanish", "main", 40,
         "chorizo,chickpeas,chopped tomatoes,spinach,smoked paprika,onions",
         season="autumn"),
    dish("Gambas al ajillo", "spanish", "starter", 15,
         "prawns,garlic,red chillies,olive oil,parsley,sourdough bread"),
    dish("Gazpacho", "spanish", "starter", 15,
         "tomatoes,cucumber,peppers,garlic,sherry vinegar,olive oil",
         season="summer"),
    dish("Churros with chocolate sauce", "spanish", "dessert", 40,
         "plain flour,butter,eggs,sugar,cinnamon,dark chocolate,double cream"),
    # American
    dish("Classic cheeseburgers", "american", "main", 30,
         "beef mince,burger buns,cheddar,lettuce,tomatoes,red onions,gherkins"),
    dish("Mac and cheese", "american", "main", 40,
         "macaroni,cheddar,milk,butter,plain flour,mustard,breadcrumbs"),
    dish("Buttermilk fried chicken", "american", "main", 60,
         "chicken thighs,buttermilk,plain flour,paprika,garlic powder,vegetable oil"),
    dish("Pulled pork sliders", "american", "main", 300,
         "pork shoulder,barbecue sauce,brioche buns,red cabbage,carrots,mayonnaise"),
    dish("Fluffy buttermilk pancakes with blueberries", "american", "breakfast", 25,
         "plain flour,buttermilk,eggs,butter,blueberries,maple syrup"),
    dish("Chocolate chip cookies", "american", "baking", 30,
         "plain flour,butter,brown sugar,eggs,dark chocolate,vanilla extract"),
    dish("New York cheesecake", "american", "dessert", 90,
         "digestive biscuits,butter,cream cheese,caster sugar,eggs,sour cream"),
    dish("Cajun {p} with dirty rice", "american", "main", 40,
         "long-grain rice,celery,peppers,onions,cajun seasoning",
         "chicken,prawns,black beans", _ANIMAL_STOCK, _VEG_STOCK),
    dish("Smoked haddock chowder", "american", "starter", 40,
         "haddock,potatoes,onions,celery,milk,single cream,bacon",
         season="winter"),
    # Korean
    dish("Korean bibimbap with {p}", "korean", "main", 40,
         "sushi rice,carrots,spinach,beansprouts,eggs,gochujang,sesame oil",
         "beef,tofu,mushrooms"),
    dish("Korean fried chicken", "korean", "main", 50,
         "chicken wings,cornflour,gochujang,honey,soy sauce,garlic,sesame seeds"),
    dish("Kimchi fried rice", "korean", "main", 20,
         "long-grain rice,kimchi,eggs,spring onions,gochujang,sesame oil"),
    dish("Bulgogi beef lettuce wraps", "korean", "main", 30,
         "sirloin steak,soy sauce,pear,garlic,sesame oil,little gem lettuce,sushi rice"),
    dish("Kimchi jjigae with {p}", "korean", "main", 35,
         "kimchi,gochujang,onions,spring onions,sushi rice",
         "pork belly,tofu", season="winter"),
    # Moroccan
    dish("{p} tagine with apricots", "moroccan", "main", 120,
         "onions,ras el hanout,dried apricots,chopped tomatoes,couscous,coriander,flaked almonds",
         "Lamb,Chicken,Chickpea and squash", season="winter"),
    dish("Harira soup", "moroccan", "starter", 60,
         "lamb shoulder,green lentils,chickpeas,chopped tomatoes,celery,coriander,cinnamon"),
    dish("Moroccan spiced carrot salad", "moroccan", "side", 15,
         "carrots,cumin,orange,coriander,olive oil,lemon"),
    dish("Chicken bastilla", "moroccan", "main", 90,
         "chicken thighs,filo pastry,ground almonds,eggs,cinnamon,onions,butter"),
    # Vietnamese
    dish("Pho with {p}", "vietnamese", "main", 60,
         "rice noodles,star anise,cinnamon,ginger,beansprouts,thai basil,lime",
         "beef,chicken,tofu", ["fish sauce", "beef stock"], _VEG_STOCK, season="winter"),
    dish("Banh mi with {p}", "vietnamese", "main", 30,
         "baguette,pickled carrots,cucumber,coriander,red chillies,mayonnaise",
         "pork,chicken,tofu"),
    dish("Vietnamese summer rolls with {p}", "vietnamese", "starter", 30,
         "rice paper,rice noodles,mint,coriander,cucumber,lettuce,peanut butter",
         "prawns,tofu", season="summer"),
    dish("Lemongrass {p} noodle salad", "vietnamese", "main", 25,
         "rice noodles,lemongrass,cucumber,carrots,mint,peanuts,lime",
         "chicken,prawns,tofu", ["fish sauce"], ["soy sauce"], season="summer"),
    # Seasonal sides and salads
    dish("Roasted butternut squash soup", "british", "starter", 50,
         "butternut squash,onions,garlic,vegetable stock,sage,single cream",
         season="autumn"),
    dish("Wild mushroom soup", "french", "starter", 35,
         "wild mushrooms,shallots,garlic,vegetable stock,thyme,double cream",
         season="autumn"),
    dish("Spring vegetable risotto with asparagus", "italian", "main", 40,
         "arborio rice,asparagus,peas,broad beans,vegetable stock,parmesan,lemon",
         season="spring"),
    dish("Wild garlic and pea soup", "british", "starter", 25,
         "wild garlic,peas,onions,vegetable stock,creme fraiche",
         season="spring"),
    dish("Strawberry and rhubarb crumble", "british", "dessert", 50,
         "rhubarb,strawberries,plain flour,butter,demerara sugar",
         season="spring"),
    dish("Pumpkin and sage gnocchi", "italian", "main", 45,
         "gnocchi,pumpkin,sage,butter,parmesan,pine nuts",
         season="autumn"),
    dish("Plum and almond cake", "british", "baking", 75,
         "plums,ground almonds,self-raising flour,butter,caster sugar,eggs",
         season="autumn"),
    dish("Courgette and feta fritters", "greek", "starter", 30,
         "courgettes,feta,plain flour,eggs,dill,spring onions",
         season="summer"),
    dish("Cold soba noodle salad", "japanese", "main", 20,
         "buckwheat soba noodles,edamame beans,cucumber,tamari,sesame oil,spring onions",
         season="summer"),
    dish("Pearl barley and root vegetable stew", "british", "main", 70,
         "pearl barley,carrots,parsnips,swede,leeks,vegetable stock,thyme",
         season="winter"),
]
# fmt: on

# Holiday and event recipes: the "will Christmas recipes show up in June?" question.
# fmt: off
HOLIDAY_DISHES = [
    # Christmas
    dish("Roast turkey with all the trimmings", "british", "main", 240,
         "turkey crown,potatoes,parsnips,carrots,brussels sprouts,butter,chicken stock,sage",
         season="winter", holiday="christmas"),
    dish("Pigs in blankets", "british", "side", 35,
         "cocktail sausages,streaky bacon,honey,wholegrain mustard",
         season="winter", holiday="christmas"),
    dish("Brussels sprouts with chestnuts and pancetta", "british", "side", 25,
         "brussels sprouts,chestnuts,pancetta,butter",
         season="winter", holiday="christmas"),
    dish("Mince pies", "british", "baking", 60,
         "plain flour,butter,caster sugar,mincemeat,eggs,orange",
         season="winter", holiday="christmas"),
    dish("Christmas pudding", "british", "dessert", 360,
         "mixed dried fruit,brandy,vegetable suet,breadcrumbs,self-raising flour,eggs,dark muscovado sugar,"         "mixed spice",
         season="winter", holiday="christmas"),
    dish("Nut roast with cranberries", "british", "main", 75,
         "cashews,walnuts,chestnuts,onions,breadcrumbs,cranberries,thyme",
         season="winter", holiday="christmas"),
    dish("Honey-glazed gammon", "british", "main", 210,
         "gammon,honey,wholegrain mustard,cloves,orange",
         season="winter", holiday="christmas"),
    dish("Chocolate yule log", "french", "dessert", 80,
         "eggs,caster sugar,cocoa powder,plain flour,double cream,dark chocolate",
         season="winter", holiday="christmas"),
    dish("Gingerbread biscuits", "british", "baking", 45,
         "plain flour,butter,dark muscovado sugar,ground ginger,golden syrup,icing sugar",
         season="winter", holiday="christmas"),
    dish("Mushroom and chestnut wellington", "british", "main", 90,
         "puff pastry,chestnut mushrooms,chestnuts,spinach,onions,thyme",
         season="winter", holiday="christmas"),
    dish("Beef wellington", "british", "main", 120,
         "beef fillet,puff pastry,chestnut mushrooms,prosciutto,eggs,mustard",
         season="winter", holiday="christmas"),
    dish("Spiced red cabbage with apple", "british", "side", 90,
         "red cabbage,bramley apples,red wine vinegar,brown sugar,cinnamon,cloves",
         season="winter", holiday="christmas"),
    dish("Mulled wine", "british", "drink", 20,
         "red wine,orange,cinnamon,cloves,star anise,brown sugar",
         season="winter", holiday="christmas"),
    dish("Stollen", "british", "baking", 180,
         "strong white flour,yeast,butter,milk,mixed dried fruit,marzipan,icing sugar",
         season="winter", holiday="christmas"),
    dish("Christmas cake", "british", "baking", 240,
         "mixed dried fruit,brandy,plain flour,butter,dark muscovado sugar,eggs,marzipan,"         "icing sugar",
         season="winter", holiday="christmas"),
    dish("Smoked salmon blinis", "french", "starter", 25,
         "smoked salmon,buckwheat flour,eggs,milk,creme fraiche,dill",
         season="winter", holiday="christmas"),
    # Thanksgiving
    dish("Thanksgiving roast turkey with cornbread stuffing", "american", "main", 270,
         "turkey crown,cornbread,celery,onions,butter,sage,chicken stock",
         season="autumn", holiday="thanksgiving"),
    dish("Pumpkin pie", "american", "dessert", 90,
         "shortcrust pastry,pumpkin puree,eggs,condensed milk,cinnamon,nutmeg",
         season="autumn", holiday="thanksgiving"),
    dish("Pecan pie", "american", "dessert", 80,
         "shortcrust pastry,pecans,maple syrup,eggs,butter,brown sugar",
         season="autumn", holiday="thanksgiving"),
    dish("Sweet potato casserole with marshmallows", "american", "side", 60,
         "sweet potatoes,butter,brown sugar,marshmallows,cinnamon",
         season="autumn", holiday="thanksgiving"),
    dish("Green bean casserole", "american", "side", 45,
         "green beans,mushrooms,milk,butter,plain flour,crispy fried onions",
         season="autumn", holiday="thanksgiving"),
    dish("Homemade cranberry sauce", "american", "side", 15,
         "cranberries,orange,caster sugar,cinnamon",
         season="autumn", holiday="thanksgiving"),
    dish("Creamy mashed potatoes with gravy", "american", "side", 40,
         "potatoes,butter,milk,plain flour,chicken stock",
         holiday="thanksgiving"),
    dish("Cornbread muffins", "american", "baking", 35,
         "cornmeal,plain flour,buttermilk,eggs,butter,honey",
         holiday="thanksgiving"),
    # Easter
    dish("Roast leg of lamb with rosemary and garlic", "british", "main", 150,
         "leg of lamb,rosemary,garlic,new potatoes,red wine,lamb stock",
         season="spring", holiday="easter"),
    dish("Hot cross buns", "british", "baking", 180,
         "strong white flour,yeast,milk,butter,mixed peel,sultanas,mixed spice",
         season="spring", holiday="easter"),
    dish("Simnel cake", "british", "baking", 180,
         "plain flour,butter,light brown sugar,eggs,mixed dried fruit,marzipan",
         season="spring", holiday="easter"),
    dish("Chocolate Easter nests", "british", "baking", 20,
         "milk chocolate,shredded wheat,golden syrup,mini chocolate eggs",
         season="spring", holiday="easter"),
    dish("Carrot cake with cream cheese frosting", "british", "baking", 80,
         "carrots,self-raising flour,light brown sugar,eggs,walnuts,cream cheese,butter",
         season="spring", holiday="easter"),
    dish("Devilled eggs", "american", "starter", 25,
         "eggs,mayonnaise,mustard,paprika,chives",
         season="spring", holiday="easter"),
    dish("Spring lamb navarin", "french", "main", 120,
         "lamb shoulder,new potatoes,baby carrots,peas,white wine,thyme",
         season="spring", holiday="easter"),
    # Halloween
    dish("Spiced pumpkin soup", "british", "starter", 45,
         "pumpkin,onions,garlic,vegetable stock,nutmeg,single cream,pumpkin seeds",
         season="autumn", holiday="halloween"),
    dish("Toffee apples", "british", "dessert", 30,
         "apples,caster sugar,golden syrup,vinegar",
         season="autumn", holiday="halloween"),
    dish("Witches' finger biscuits", "british", "baking", 40,
         "plain flour,butter,icing sugar,eggs,flaked almonds,raspberry jam",
         season="autumn", holiday="halloween"),
    dish("Pumpkin risotto", "italian", "main", 45,
         "arborio rice,pumpkin,onions,vegetable stock,parmesan,sage",
         season="autumn", holiday="halloween"),
    dish("Spooky spider pizzas", "italian", "main", 30,
         "strong white flour,yeast,passata,mozzarella,black olives",
         season="autumn", holiday="halloween"),
    dish("Pumpkin spice cupcakes", "american", "baking", 45,
         "self-raising flour,pumpkin puree,butter,light brown sugar,eggs,cream cheese,cinnamon",
         season="autumn", holiday="halloween"),
    dish("Bonfire night sausage and bean hotpot", "british", "main", 60,
         "pork sausages,cannellini beans,chopped tomatoes,onions,smoked paprika,potatoes",
         season="autumn", holiday="halloween"),
    dish("Stuffed pumpkin with wild rice", "american", "main", 75,
         "pumpkin,wild rice,cranberries,pecans,onions,thyme",
         season="autumn", holiday="halloween"),
    # Summer barbecue
    dish("Sticky barbecue pork ribs", "american", "main", 180,
         "pork ribs,barbecue sauce,brown sugar,smoked paprika,garlic powder",
         season="summer", holiday="barbecue"),
    dish("Grilled chicken skewers with yoghurt marinade", "middle_eastern", "main", 40,
         "chicken thighs,yogurt,lemon,garlic,cumin,red onions",
         season="summer", holiday="barbecue"),
    dish("Halloumi and vegetable kebabs", "greek", "main", 30,
         "halloumi,courgettes,peppers,red onions,olive oil,oregano",
         season="summer", holiday="barbecue"),
    dish("Corn on the cob with chilli butter", "american", "side", 20,
         "sweetcorn,butter,red chillies,lime,coriander",
         season="summer", holiday="barbecue"),
    dish("Smash burgers", "american", "main", 25,
         "beef mince,burger buns,american cheese,gherkins,onions,mustard",
         season="summer", holiday="barbecue"),
    dish("Barbecued salmon with herb salsa", "british", "main", 25,
         "salmon,parsley,capers,lemon,olive oil,garlic",
         season="summer", holiday="barbecue"),
    dish("Classic potato salad", "british", "side", 30,
         "new potatoes,mayonnaise,spring onions,chives,mustard",
         season="summer", holiday="barbecue"),
    dish("Crunchy coleslaw", "british", "side", 15,
         "white cabbage,carrots,red onions,mayonnaise,cider vinegar",
         season="summer", holiday="barbecue"),
    dish("Watermelon, feta and mint salad", "greek", "side", 10,
         "watermelon,feta,mint,red onions,olive oil,lime",
         season="summer", holiday="barbecue"),
    dish("Jerk chicken with rice and peas", "american", "main", 60,
         "chicken thighs,jerk seasoning,lime,long-grain rice,kidney beans,coconut milk",
         season="summer", holiday="barbecue"),
    dish("Lamb burgers with tzatziki", "greek", "main", 30,
         "lamb mince,burger buns,greek yogurt,cucumber,mint,red onions",
         season="summer", holiday="barbecue"),
    dish("Grilled peaches with mascarpone", "italian", "dessert", 15,
         "peaches,mascarpone,honey,pistachios",
         season="summer", holiday="barbecue"),
]
# fmt: on

#: Words put before a main dish's title for a second take on it (used when more recipes are
#: asked for than the dishes and protein choices give), by how long the dish takes.
TITLE_PREFIXES = {
    "quick": ["Quick", "Easy", "Weeknight"],  # up to 40 minutes
    "medium": ["Easy", "Family", "Spicy"],
    "long": ["Slow-cooker", "Make-ahead"],  # 90 minutes or more
}
#: Title words that keep their capital after a prefix ("Quick Thai green curry").
PROPER_WORDS = {c[0] for c in CUISINES.values()} | {
    "Cajun", "Massaman", "Keralan", "Korean", "Thai", "New", "Sunday", "Christmas", "Easter",
    "Spanish", "Greek", "French", "Moroccan", "Vietnamese", "Chinese", "Japanese", "Indian",
}  # fmt: skip

#: Descriptions: openings by course, and endings by how long the recipe takes.
OPENINGS = {
    "main": [
        "{A_adj} {cuisine} main of {focus}.",
        "{Adj} {cuisine} cooking at home: {focus}.",
        "Our take on {a_cuisine} favourite, built around {focus}.",
        "{A_adj} dinner of {focus}, {cuisine} style.",
    ],
    "starter": [
        "{A_adj} {cuisine} starter of {focus}.",
        "Small plate, big flavour: {focus}, {cuisine} style.",
    ],
    "side": [
        "{A_adj} side of {focus} that goes with almost anything.",
        "{Adj} {cuisine} side dish: {focus}.",
    ],
    "dessert": [
        "{A_adj} {cuisine} pudding of {focus}.",
        "Something sweet: {focus}, {adj} and easy to share.",
    ],
    "baking": [
        "{Adj} home baking: {focus}.",
        "{A_adj} bake of {focus} for the tin.",
    ],
    "breakfast": [
        "{A_adj} {cuisine} breakfast of {focus}.",
        "Weekend brunch: {focus}, {adj} and filling.",
    ],
    "drink": ["{A_adj} warming drink of {focus}."],
}
ADJECTIVES = [
    "comforting",
    "bright",
    "fragrant",
    "hearty",
    "simple",
    "crowd-pleasing",
    "fresh",
    "rich",
    "zingy",
    "cosy",
]
ENDINGS = {
    "quick": ["On the table in {minutes} minutes.", "Ready in {minutes} minutes, ideal midweek."],
    "medium": [
        "Takes about {minutes} minutes, most of it hands-off.",
        "About {minutes} minutes from start to finish.",
    ],
    "long": [
        "A slow one: {hours} in the oven or pot, worth every minute.",
        "Give it {hours}; it rewards patience.",
    ],
}
HOLIDAY_NOTES = {
    "christmas": "A Christmas classic.",
    "thanksgiving": "Made for the Thanksgiving table.",
    "easter": "Perfect for Easter weekend.",
    "halloween": "A Halloween and bonfire-night favourite.",
    "barbecue": "Made for a summer barbecue.",
}

FIRST_NAMES = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Alice Evie Aisha "
    "Priya Fatima Zara Chloe Emily Hannah Megan Niamh Sian Maryam Ella Ruby Poppy Sofia Layla "
    "Noah Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Jack Theo Charlie Jacob "
    "Freddie Alfie Thomas James William Samuel Rohan Arjun Omar Yusuf Daniel Callum Rhys Dylan "
    "Finn Kai Ethan Lewis Owen Adam Ali Ibrahim Tom Ben Chris Mark David Paul Susan Karen Helen"
).split()
LAST_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Khan Ahmed Hussain Ali Begum "
    "Singh Kaur Shah Murphy Kelly Campbell Stewart Macdonald Reid Hughes Edwards Lewis Morgan "
    "Price Turner Hill Moore Harris Martin Cooper Ward Baker Nguyen Chen Wong Kowalski Nowak "
    "Okafor Mensah Silva Costa Rossi Garcia"
).split()

#: UK regions with rough weights.
REGIONS = {
    "London": 16,
    "South East": 14,
    "North West": 11,
    "West Midlands": 9,
    "East of England": 9,
    "South West": 8,
    "Yorkshire and the Humber": 8,
    "Scotland": 8,
    "East Midlands": 7,
    "Wales": 5,
    "North East": 4,
    "Northern Ireland": 3,
}
AGE_BANDS = {"18-24": 9, "25-34": 24, "35-44": 24, "45-54": 19, "55-64": 14, "65+": 10}
HOUSEHOLD_SIZES = {1: 18, 2: 33, 3: 19, 4: 20, 5: 7, 6: 3}

#: Restriction profiles and their shares (most people have none).
RESTRICTION_PROFILES = [
    ((), 62),
    (("vegetarian",), 9),
    (("vegan",), 3),
    (("gluten_free",), 4),
    (("nut_free",), 4),
    (("dairy_free",), 3),
    (("halal",), 6),
    (("no_pork",), 3),
    (("vegetarian", "nut_free"), 1),
    (("vegetarian", "gluten_free"), 1),
    (("dairy_free", "gluten_free"), 1),
    (("halal", "nut_free"), 1),
    (("vegan", "gluten_free"), 1),
    (("no_pork", "dairy_free"), 1),
]


def table_additions() -> list[str]:
    """Rows ("ingredient,breaks") for the demo ingredients the product table does not know."""
    from pilot.ingredients import lookup
    from pilot.models.catalog import DIET_LABELS

    names = {x for d in DISHES + HOLIDAY_DISHES for x in d["base"] + d["animal"] + d["plant"]}
    names |= {x for items, _ in PROTEINS.values() for x in items}
    return [
        f"{name},{'|'.join(b for b in DIET_LABELS if b in INGREDIENT_BREAKS.get(name, ()))}"
        for name in sorted(names)
        if lookup(name) is None
    ]
